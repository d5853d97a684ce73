# The one image behind web, worker, beat and migrate in docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    TRACKER_VAR_DIR=/app/var \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=tracker.settings.production

WORKDIR /app
COPY pyproject.toml README.md ./
COPY tracker ./tracker
COPY bills ./bills
COPY events ./events
COPY web ./web
# The dependencies from pyproject.toml; PYTHONPATH makes the code under /app (with its
# templates, static files and seeds) win over the installed copy of the packages.
RUN pip install .
COPY . .

# Static files are collected at build time with throw-away values: nothing secret is baked in.
RUN DJANGO_SECRET_KEY=build-only-$(python -c "import secrets; print(secrets.token_urlsafe(50))") \
    DJANGO_ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://localhost:6379/0 EMAIL_URL=smtp://localhost:25 \
    DJANGO_SETTINGS_MODULE=tracker.settings.production \
    python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 tracker && mkdir -p /app/var && chown -R tracker /app/var

USER tracker
EXPOSE 8000
CMD ["gunicorn", "tracker.wsgi:application", "--bind=0.0.0.0:8000"]
