"""The demo world of `manage.py seed_demo`: data, generated pictures and the seeder."""
