"""The questionnaire engine behind surveys, EVA hearings and panel polls.

So far: the question types (parsing and checking what a respondent sent, answers in long format)
and display conditions. Models, builder, answering pages and results come with issue 4.
"""
