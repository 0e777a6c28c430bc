"""A user's browser as the portal sees it behind the TLS proxy: the standard library, plus the
demo's authenticator key and django-otp's TOTP to type the second factor.

Every request carries `X-Forwarded-Proto: https`, as the proxy adds it, so Django applies its
production rules (no redirect to https, Secure cookies, HSTS, CSRF origin checked against
https://host). The cookies are kept here rather than in `http.cookiejar`, which would withhold
the Secure ones from a plain-HTTP connection: this client stands where the proxy stands.

With DEBUG off the demo Ufficio di Piano and administrator must complete their password login
with a code (accounts/middleware_otp.py): when a page lands on the verification form, the client
fills it as the person would with her phone, from the demo key seed_demo gave her device
(pdz.demo.CHIAVE_TOTP_DEMO).
"""

import http.client
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

from django_otp.oath import totp

from pdz.demo import CHIAVE_TOTP_DEMO

STATIC_URL = "/static/"
VERIFICA = "/account/verifica/"
STEP = 30

# The last TOTP step each user has typed: the portal accepts a code once (django-otp's last_t),
# so a second login within the same 30 s types the next step's code, which it also accepts.
_ultimo_passo: dict[str, int] = {}
_passi_lock = threading.Lock()


def codice_demo(username: str) -> str:
    """The code the demo app shows now, or the next one if this user typed it already."""
    with _passi_lock:
        adesso = int(time.time()) // STEP
        passo = max(adesso, _ultimo_passo.get(username, adesso - 1) + 1)
        if passo > adesso + 1:
            # Three logins of one user in one step: wait for the clock, as the person would.
            time.sleep((passo - 1) * STEP - time.time() + 0.1)
            adesso = int(time.time()) // STEP
        _ultimo_passo[username] = passo
        return f"{totp(bytes.fromhex(CHIAVE_TOTP_DEMO), step=STEP, drift=passo - adesso):06d}"


@dataclass
class Response:
    url: str
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip()

    @property
    def is_html(self) -> bool:
        return self.content_type == "text/html"

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Cookie:
    value: str
    secure: bool
    httponly: bool


class Browser:
    def __init__(self, base_url: str, *, forwarded_proto: str | None = "https"):
        parts = urlsplit(base_url)
        self.host = parts.hostname
        self.port = parts.port
        self.origin = f"https://{parts.netloc}"
        self.forwarded_proto = forwarded_proto
        self.cookies: dict[str, Cookie] = {}
        self._lock = threading.Lock()
        # Who logged in through this browser: whose code the verification form asks for.
        self.username: str | None = None

    def request(self, method, path, *, data=None, headers=None, timeout=60) -> Response:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        headers = {"Accept-Language": "it", **(headers or {})}
        if self.forwarded_proto:
            headers["X-Forwarded-Proto"] = self.forwarded_proto
        with self._lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={c.value}" for k, c in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # What a browser sends with a form: Django checks it against https://host.
            headers.setdefault("Origin", self.origin)
            headers.setdefault("Referer", self.origin + path)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            response = Response(path, answer.status, answer.msg, answer.read())
        finally:
            connection.close()
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        return response

    def get(self, path, *, follow=True, headers=None) -> list[Response]:
        """The response and, when following, every redirect before it (same origin only)."""
        chain = [self.request("GET", path, headers=headers)]
        while follow and chain[-1].status in (301, 302, 303, 307, 308) and len(chain) < 10:
            target = self.same_origin_path(chain[-1].url, chain[-1].headers["Location"])
            if target is None:
                break
            chain.append(self.request("GET", target, headers=headers))
        if follow and self._verification_form(chain[-1]):
            chain.extend(self._verify(chain[-1]))
        return chain

    def post(self, path, data, *, follow=True) -> list[Response]:
        if "username" in data and "password" in data:
            self.username = data["username"]
        chain = [self.request("POST", path, data=data)]
        if follow and chain[-1].status in (301, 302, 303):
            target = self.same_origin_path(path, chain[-1].headers["Location"])
            if target is not None:
                chain.extend(self.get(target))
        return chain

    def _verification_form(self, response: Response) -> bool:
        return (
            self.username is not None
            and response.status == 200
            and response.is_html
            and urlsplit(response.url).path == VERIFICA
        )

    def _verify(self, page: Response) -> list[Response]:
        """The second factor, typed from the demo app: the form's own fields plus the code."""
        forms = [f for f in parse_page(page.text()).forms if f.method == "post"]
        (form,) = [f for f in forms if urlsplit(f.action).path == VERIFICA]
        data = {**form.inputs, "codice": codice_demo(self.username)}
        return self.post(self.same_origin_path(page.url, form.action), data)

    def same_origin_path(self, base, href) -> str | None:
        """The path and query of href seen from base, or None if it leaves this portal."""
        absolute = urlsplit(urljoin(f"{self.origin}{base}", href.strip()))
        if (
            absolute.scheme not in ("http", "https")
            or absolute.netloc != urlsplit(self.origin).netloc
        ):
            return None
        return absolute.path + (f"?{absolute.query}" if absolute.query else "")

    def _keep_cookies(self, set_cookie_headers):
        with self._lock:
            for header in set_cookie_headers:
                parsed = SimpleCookie()
                parsed.load(header)
                for name, morsel in parsed.items():
                    if morsel["max-age"] == "0" or _expired(morsel["expires"]):
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = Cookie(
                            morsel.value, bool(morsel["secure"]), bool(morsel["httponly"])
                        )


def _expired(expires: str) -> bool:
    if not expires:
        return False
    try:
        return time.mktime(time.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT")) < time.time()
    except ValueError:
        return False


@dataclass
class Form:
    method: str
    action: str
    inputs: dict[str, str] = field(default_factory=dict)


class PageParser(HTMLParser):
    """The plain links of a page, the static files it references and its forms."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.assets: set[str] = set()
        self.forms: list[Form] = []
        self._form: Form | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for value in attributes.values():
            # Any reference to a static file, whatever the attribute (src, href, data-*).
            if value and value.startswith(STATIC_URL):
                self.assets.add(value.split("#")[0])
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self._form = Form(
                (attributes.get("method") or "get").lower(), attributes.get("action") or ""
            )
            self.forms.append(self._form)
        elif (
            tag in ("input", "textarea", "select")
            and self._form is not None
            and attributes.get("name")
            and attributes.get("type") not in ("submit", "checkbox", "radio")
        ):
            self._form.inputs[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def parse_page(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser
