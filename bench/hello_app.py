"""A bare Flask "hello world": the ceiling that bench/resident_flow.py measures Osallistu against.

Served with the same gunicorn settings as Osallistu: ``gunicorn bench.hello_app:app``.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index() -> str:
    return "Hello, World!"
