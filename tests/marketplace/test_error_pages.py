"""The shop's own error pages (the demo runs with DEBUG off) and what must keep working without DEBUG."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import include, path

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", _boom), path("", include("marketplace.urls"))]


def test_debug_is_off_unless_a_developer_turns_it_on():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='marketplace.settings'; django.setup(); "
    code += "from django.conf import settings; print(settings.DEBUG)"

    def debug(**extra):
        run = subprocess.run(
            [sys.executable, "-c", code], env={**env, **extra}, cwd=ROOT, capture_output=True
        )
        return run.stdout.decode().strip()

    assert debug() == "False"
    assert debug(DEBUG="1") == "True"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", ["页面不存在", "返回首页"]), ("en", ["Page not found", "Back to the home page"])],
)
def test_a_mistyped_address_shows_the_shops_404_in_the_visitors_language(client, language, words):
    client.cookies.load({"django_language": language})
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert all(word in html for word in words)
    assert 'class="site-header"' in html and "/static/css/site.css" in html  # the shop's frame
    assert "URLconf" not in html and "urlpatterns" not in html  # never Django's debug page


@pytest.mark.django_db
def test_a_server_error_shows_the_static_500_page_in_both_languages(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "抱歉，页面出错了" in html and "Sorry, something went wrong" in html
    assert "a bug" not in html and "Traceback" not in html


@pytest.mark.parametrize("name", ["500.html", "400.html", "403_csrf.html"])
def test_the_pages_shown_when_something_is_broken_need_no_database_or_context(
    name, django_assert_num_queries
):
    """Django renders them with no request (so no context processors); they must not touch the database,
    the static manifest or a URL that might not resolve."""
    html = get_template(name).render()
    assert "全球购" in html and "Global Mall" in html and 'href="/"' in html
    assert "{%" not in html and "static/" not in html


@pytest.mark.django_db
def test_bad_host_csrf_failure_and_forbidden_pages_are_the_shops(client):
    bad = client.get("/", HTTP_HOST="evil.example")
    assert (
        bad.status_code == 400
        and "请求无效" in bad.content.decode()
        and "Bad request" in bad.content.decode()
    )

    csrf = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert csrf.status_code == 403 and "页面已过期" in csrf.content.decode()

    client.force_login(UserFactory())
    forbidden = client.get("/seller/orders/")
    assert forbidden.status_code == 403 and 'class="site-header"' in forbidden.content.decode()


def test_static_files_are_served_with_debug_off(client, settings):
    assert not settings.DEBUG
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert b"--brand" in b"".join(response.streaming_content)


def test_make_demo_takes_a_port():
    def planned(*args):
        run = subprocess.run(["make", "-n", "demo", *args], cwd=ROOT, capture_output=True, text=True)
        return run.stdout

    assert "rundemo 127.0.0.1:8000" in planned()
    assert "rundemo 127.0.0.1:8001" in planned("PORT=8001")
