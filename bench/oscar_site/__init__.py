"""A minimal django-oscar shop written for the benchmark (not Oscar's sandbox).

It runs only inside bench/.oscar-venv, never in the project's own environment.
"""
