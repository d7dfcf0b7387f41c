// Printable questionnaire and poster: a Print button for those who have JavaScript.
// Without it the pages print the same with the browser's own print command.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
