"""Published Perspective clients, unchanged, against a real cyberkind server on 127.0.0.1.

The server is built as ``cyberkind serve`` builds it (the loopback ``allowed_hosts`` included)
and runs under real uvicorn in a thread; every request goes through a socket.

- ``perspectiveapi`` 1.1.0 hardcodes ``https://commentanalyzer.googleapis.com`` and has no
  base-URL option. The tests change only that: the module's ``httpx`` client class is
  monkeypatched to one whose transport sends each request to the server's scheme, host and
  port (and Host header), leaving the path, query and body exactly as the client built them.
- ``google-api-python-client`` is pointed the documented way, with ``discoveryServiceUrl``:
  it fetches ``/$discovery/rest?version=v1alpha1`` and calls the ``rootUrl`` found there.

Also here: the attribute table (perspective_attributes.json), SPAM with and without a ``spam``
label, and the ``perspective_unscorable`` setting.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cyberkind.errors import ConfigError
from cyberkind.labels import label_names
from cyberkind.web import perspective as persp
from cyberkind.web.app import create_app
from cyberkind.web.discovery import discovery_document

LOOPBACK = ["127.0.0.1", "localhost", "::1", "[::1]"]  # as `cyberkind serve` passes them
ANALYZE = "/v1alpha1/comments:analyze"
DISCOVERY = "/$discovery/rest?version=v1alpha1"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def base_url(scorer: Any, serve_in_thread: Any) -> Iterator[str]:
    with serve_in_thread(create_app(scorer, allowed_hosts=LOOPBACK)) as url:
        yield url


def _rewrite(request: httpx.Request, base_url: str) -> None:
    """Send ``request`` to ``base_url`` instead of Google: the only change a user makes."""
    base = httpx.URL(base_url)
    request.url = request.url.copy_with(scheme=base.scheme, host=base.host, port=base.port)
    request.headers["Host"] = request.url.netloc.decode("ascii")


class _ToServer(httpx.HTTPTransport):
    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _rewrite(request, self.base_url)
        return super().handle_request(request)


class _AsyncToServer(httpx.AsyncHTTPTransport):
    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        _rewrite(request, self.base_url)
        return await super().handle_async_request(request)


def test_perspectiveapi_client_gets_scores(
    base_url: str, scorer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import perspective.blocking
    from perspective import Attribute
    from perspective.blocking import Perspective  # the package's top-level one is async

    seen: list[httpx.URL] = []
    clients: list[httpx.Client] = []  # the client never closes its own

    def client() -> httpx.Client:
        made = httpx.Client(
            transport=_ToServer(base_url),
            event_hooks={"request": [lambda request: seen.append(request.url)]},
        )
        clients.append(made)
        return made

    monkeypatch.setattr(perspective.blocking, "Client", client)
    try:
        _score_with_perspectiveapi(Perspective, Attribute, seen, scorer)
    finally:
        for made in clients:
            made.close()


def _score_with_perspectiveapi(
    Perspective: Any, Attribute: Any, seen: list[httpx.URL], scorer: Any
) -> None:
    text = "you are a stupid idiot"
    # Every attribute the client knows, SEXUALLY_EXPLICIT and FLIRTATION included: the
    # request that crashed the client with KeyError: 'attributeScores' (issue 16).
    score = Perspective("any-key").score(text, attributes=list(Attribute))
    assert seen[0].host == "commentanalyzer.googleapis.com"  # what the client built
    assert seen[0].path == ANALYZE and seen[0].params["key"] == "any-key"
    expected = scorer.score([text])[0]
    assert score.toxicity == pytest.approx(expected["toxicity"], abs=1e-5)
    assert score.insult == pytest.approx(expected["insult"], abs=1e-5)
    assert score.threat == pytest.approx(expected["threat"], abs=1e-5)
    assert 0.0 <= score.severe_toxicity <= 1.0
    assert score.toxicity > 0.5 and score.insult > 0.5
    # Left out, as the client reads an absent attribute.
    assert score.sexually_explicit is None and score.flirtation is None
    # The client's default request: TOXICITY alone.
    kind = Perspective("any-key").score("Thank you, this made my day!")
    assert kind.toxicity is not None and kind.toxicity < 0.5


def test_perspectiveapi_async_client_gets_scores(
    base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import perspective.models
    from perspective import Attribute, Perspective

    monkeypatch.setattr(
        perspective.models,
        "AsyncClient",
        lambda: httpx.AsyncClient(transport=_AsyncToServer(base_url)),
    )

    async def run() -> Any:
        client = Perspective("any-key")
        try:
            return await client.score("I will hurt you", attributes=list(Attribute))
        finally:
            await client._Perspective__client.aclose()  # the client never closes it

    score = asyncio.run(run())
    assert score.threat is not None and score.threat > 0.5
    assert score.flirtation is None


# The request of Google's Python sample, plus the attributes issue 16 names.
GOOGLE_SAMPLE = {
    "comment": {"text": "You are a stupid idiot and I will find you."},
    "languages": ["en"],
    "requestedAttributes": {
        name: {}
        for name in (
            "TOXICITY",
            "SEVERE_TOXICITY",
            "IDENTITY_ATTACK",
            "INSULT",
            "PROFANITY",
            "THREAT",
            "ATTACK_ON_AUTHOR",
            "ATTACK_ON_COMMENTER",
            "INFLAMMATORY",
            "OBSCENE",
            "SPAM",
            "COMPASSION_EXPERIMENTAL",
            "CURIOSITY_EXPERIMENTAL",
            "RESPECT_EXPERIMENTAL",
            "SEXUALLY_EXPLICIT",
            "FLIRTATION",
        )
    },
    "spanAnnotations": True,
}


def test_googleapiclient_built_from_the_discovery_document(base_url: str, scorer: Any) -> None:
    from googleapiclient import discovery

    with discovery.build(
        "commentanalyzer",
        "v1alpha1",
        developerKey="any-key",
        discoveryServiceUrl=base_url + DISCOVERY,
        static_discovery=False,
        cache_discovery=False,
    ) as service:
        response = service.comments().analyze(body=GOOGLE_SAMPLE).execute()
    scores = response["attributeScores"]
    expected = {
        name
        for name in GOOGLE_SAMPLE["requestedAttributes"]  # type: ignore[attr-defined]
        if name in persp.scorable_attributes(scorer.labels)
    }
    assert set(scores) == expected
    assert {"TOXICITY", "ATTACK_ON_COMMENTER", "RESPECT_EXPERIMENTAL"} <= expected
    assert "FLIRTATION" not in scores and "SEXUALLY_EXPLICIT" not in scores
    assert scores["TOXICITY"]["summaryScore"]["value"] > 0.5
    assert scores["THREAT"]["spanScores"][0]["score"]["type"] == "PROBABILITY"
    assert response["languages"] == ["en"]


def test_googleapiclient_gets_googles_error_envelope(base_url: str) -> None:
    from googleapiclient import discovery
    from googleapiclient.errors import HttpError

    with discovery.build(
        "commentanalyzer",
        "v1alpha1",
        developerKey="any-key",
        discoveryServiceUrl=base_url + DISCOVERY,
        static_discovery=False,
        cache_discovery=False,
    ) as service:
        body = {"comment": {"text": ""}, "requestedAttributes": {"TOXICITY": {}}}
        with pytest.raises(HttpError) as raised:
            service.comments().analyze(body=body).execute()
    assert raised.value.status_code == 400
    assert raised.value.error_details[0]["errorType"] == "COMMENT_EMPTY"


def test_discovery_document_points_at_the_server(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        doc = client.get(DISCOVERY, params={"key": "any-key"}).json()
        assert doc["rootUrl"] == base_url + "/"
        assert doc["id"] == "commentanalyzer:v1alpha1"
        assert doc["resources"]["comments"]["methods"]["analyze"]["path"] == ANALYZE[1:]
        # The base the client used, e.g. localhost rather than 127.0.0.1.
        port = httpx.URL(base_url).port
        local = client.get(DISCOVERY, headers={"Host": f"localhost:{port}"}).json()
        assert local["rootUrl"] == f"http://localhost:{port}/"
        response = client.get("/$discovery/rest?version=v1")
        assert response.status_code == 404
        assert response.json()["error"]["status"] == "NOT_FOUND"
    # The document is data shipped in the package; only rootUrl and baseUrl change.
    assert discovery_document("http://example.test")["rootUrl"] == "http://example.test/"


def test_the_attribute_table() -> None:
    raw = json.loads((ROOT / "src/cyberkind/web/perspective_attributes.json").read_text())
    table = raw["attributes"]
    # Today's attributes still answered, and every cyberkind label, upper-cased.
    for name in ("TOXICITY", "SEVERE_TOXICITY", "INSULT", "IDENTITY_ATTACK", "THREAT"):
        assert name in persp.ATTRIBUTES
    assert {n.upper() for n in label_names()} <= set(persp.ATTRIBUTES)
    # Formulas only read labels of the contract, or spam (which the model gains separately).
    for name in table:
        needs = persp.attribute_labels(name) or frozenset()
        assert needs <= {*label_names(), "spam"}, name
    assert persp.attribute_labels("FLIRTATION") is None
    assert persp.attribute_labels("ATTACK_ON_AUTHOR") == {"personal_attack"}
    # docs/api.md lists every attribute the endpoint accepts.
    docs = (ROOT / "docs/api.md").read_text()
    for name in table:
        assert f"`{name}`" in docs, name


def _scores(**overrides: float) -> dict[str, float]:
    scores = dict.fromkeys(label_names(), 0.1)
    scores.update(overrides)
    return scores


def test_mapped_attributes_read_their_labels() -> None:
    scores = _scores(
        personal_attack=0.7,
        profanity=0.6,
        toxicity=0.8,
        identity_attack=0.9,
        threat=0.5,
        compassion=0.4,
        curiosity=0.3,
        respect=0.2,
    )
    requested = {name: {} for name in persp.ATTRIBUTES}
    request = persp.parse_request({"comment": {"text": "x"}, "requestedAttributes": requested})
    got = {
        name: entry["summaryScore"]["value"]
        for name, entry in persp.analyze(request, lambda _: scores)["attributeScores"].items()
    }
    assert set(got) == set(persp.ATTRIBUTES)
    assert got["ATTACK_ON_AUTHOR"] == got["ATTACK_ON_COMMENTER"] == 0.7
    assert got["OBSCENE"] == got["PROFANITY"] == got["PROFANITY_EXPERIMENTAL"] == 0.6
    assert got["INFLAMMATORY"] == 0.9  # max(toxicity, identity_attack)
    assert got["SEVERE_TOXICITY"] == got["SEVERE_TOXICITY_EXPERIMENTAL"] == round(0.8 * 0.9, 6)
    assert got["COMPASSION_EXPERIMENTAL"] == 0.4
    assert got["CURIOSITY_EXPERIMENTAL"] == 0.3
    assert got["RESPECT_EXPERIMENTAL"] == 0.2
    for name in persp.ATTRIBUTES:
        if name.endswith("_EXPERIMENTAL") and name.removesuffix("_EXPERIMENTAL") in got:
            assert got[name] == got[name.removesuffix("_EXPERIMENTAL")], name


def test_spam_needs_a_spam_label() -> None:
    body = {"comment": {"text": "buy followers"}, "requestedAttributes": {"SPAM": {}}}
    without = persp.parse_request(body, labels=[n for n in label_names() if n != "spam"])
    assert without.omitted == ("SPAM",)
    assert persp.analyze(without, lambda _: _scores())["attributeScores"] == {}
    with pytest.raises(persp.PerspectiveError) as raised:
        persp.parse_request(
            body, labels=[n for n in label_names() if n != "spam"], unscorable="error"
        )
    assert raised.value.error_type == "ATTRIBUTE_NOT_SUPPORTED"
    with_spam = persp.parse_request(body, labels=[*label_names(), "spam"])
    answer = persp.analyze(with_spam, lambda _: _scores(spam=0.93))
    assert answer["attributeScores"]["SPAM"]["summaryScore"]["value"] == 0.93


def test_unscorable_attributes_only_with_unscorable_ones(base_url: str) -> None:
    body = {"comment": {"text": "hello"}, "requestedAttributes": {"FLIRTATION": {}}}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        response = client.post(ANALYZE, json=body)
        assert response.status_code == 200
        assert response.json()["attributeScores"] == {}
        # An unsupported language still answers as Perspective does, naming the attribute.
        german = client.post(ANALYZE, json={**body, "languages": ["de"]})
        assert german.status_code == 400
        assert "FLIRTATION" in german.json()["error"]["message"]


def test_the_error_setting_refuses_unscorable_attributes(scorer: Any, serve_in_thread: Any) -> None:
    body = {"comment": {"text": "hi"}, "requestedAttributes": {"FLIRTATION": {}}}
    app = create_app(scorer, perspective_unscorable="error", allowed_hosts=LOOPBACK)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        response = client.post(ANALYZE, json=body)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["details"][0]["errorType"] == "ATTRIBUTE_NOT_SUPPORTED"
        assert "Unknown attribute: FLIRTATION" in error["message"]
        assert "perspective_unscorable" in error["message"]
        ok = client.post(ANALYZE, json={**body, "requestedAttributes": {"OBSCENE": {}}})
        assert ok.status_code == 200


def test_the_setting_comes_from_the_environment(
    scorer: Any, serve_in_thread: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {"comment": {"text": "hi"}, "requestedAttributes": {"FLIRTATION": {}}}
    monkeypatch.setenv("CYBERKIND_PERSPECTIVE_UNSCORABLE", "error")
    with serve_in_thread(create_app(scorer)) as url, httpx.Client(base_url=url) as client:
        assert client.post(ANALYZE, json=body).status_code == 400
    monkeypatch.setenv("CYBERKIND_PERSPECTIVE_UNSCORABLE", "drop")
    with pytest.raises(ConfigError, match="must be omit or error"):
        create_app(scorer)


def test_names_perspective_never_had_are_refused(base_url: str) -> None:
    body = {"comment": {"text": "hi"}, "requestedAttributes": {"KINDNESS": {}, "TOXICITY": {}}}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        response = client.post(ANALYZE, json=body)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Unknown attribute: KINDNESS.")


def test_serve_passes_the_unscorable_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cyberkind serve --setting perspective_unscorable error` reaches the app factory."""
    from click.testing import CliRunner

    import cyberkind.web.app as web_app
    from cyberkind.cli import cli

    seen: dict[str, Any] = {}
    real = web_app.create_app

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(web_app, "create_app", spy)
    args = ["serve", "--db", str(tmp_path / "inbox.db"), "--get", "/"]
    result = CliRunner().invoke(cli, [*args, "--setting", "perspective_unscorable", "error"])
    assert result.exit_code == 0, result.output
    assert seen["perspective_unscorable"] == "error"
