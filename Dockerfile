FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
COPY shared ./shared
COPY services ./services
COPY deploy ./deploy
RUN pip install --no-cache-dir . && useradd --create-home app
USER app
# Each container picks its command in docker-compose.yml.
CMD ["python", "-m", "services.cli", "--help"]
