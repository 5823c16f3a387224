"""What the security review of the sign-in found, each closed with a test: one code
signs in once even at the same moment; the session is renewed after the code; a
tampered page link answers 400; whole-queue exports are for admins."""

from __future__ import annotations

import threading

from questionnaire.auth import totp

from .html import soup, words
from .staff import Staff, make_submission


def test_one_code_signs_in_once_even_when_two_requests_carry_it_at_once(
    app, clock, account, monkeypatch
):
    first, second = Staff(app.test_client(), clock), Staff(app.test_client(), clock)
    for browser in (first, second):
        assert browser.sign_in(account["email"], account["password"]).status_code == 303
        browser.code_page()
    code = first.current_code(account["secret"])
    # Both requests check the code before either records it: a read-then-write would
    # let both in. Only the atomic update decides.
    checked = threading.Barrier(2)
    accept = totp.accept

    def accept_then_wait(*args):
        step = accept(*args)
        checked.wait(timeout=10)
        return step

    monkeypatch.setattr(totp, "accept", accept_then_wait)
    statuses: list[int] = []

    def enter(browser: Staff) -> None:
        statuses.append(browser.enter_code(code).status_code)

    threads = [threading.Thread(target=enter, args=(b,)) for b in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [303, 422]


def test_a_cookie_copied_before_the_code_is_worthless_after_it(app, staff, account):
    assert staff.sign_in(account["email"], account["password"]).status_code == 303
    staff.code_page()
    copied = app.test_client()
    cookie = staff.client.get_cookie("ks_session")
    copied.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    # the copy works as far as the code page, like the original
    assert copied.get("/clinician/code").status_code == 200
    done = staff.enter_code(staff.current_code(account["secret"]))
    assert (done.status_code, done.location) == (303, "/clinician/")
    assert staff.client.get("/clinician/").status_code == 200
    # after the code, the copy is signed out (its session ended when the new one began)
    assert copied.get("/clinician/").location.startswith("/clinician/sign-in")
    assert copied.get("/clinician/code").location.startswith("/clinician/sign-in")


def test_a_tampered_page_link_answers_400_with_the_way_back(app, signed_in, admin_account):
    make_submission(app)
    for url, first_page in (
        ("/clinician/?after=garbage!!", "/clinician/"),
        ("/clinician/?before=bm90fGF8Y3Vyc29y", "/clinician/"),
        ("/clinician/?status=new&after=" + "A" * 200, "/clinician/"),
    ):
        response = signed_in.client.get(url)
        assert response.status_code == 400, url
        page = soup(response)
        assert words(page.h1) == "That page link does not work"
        assert page.main.select_one("a")["href"] == first_page
    admin = Staff(app.test_client(), signed_in.clock)
    admin.full_sign_in(admin_account)
    response = admin.client.get("/clinician/audit?after=not-a-cursor")
    assert response.status_code == 400
    assert soup(response).main.select_one("a")["href"] == "/clinician/audit"


def test_whole_queue_exports_are_for_admins(app, signed_in, admin_account):
    reference = make_submission(app)
    for url in ("/clinician/export.csv", "/clinician/export.ndjson", "/clinician/export.fhir.json"):
        assert signed_in.client.get(url).status_code == 403, url
    assert soup(signed_in.client.get("/clinician/")).select('a[href^="/clinician/export"]') == []
    # the one submission being read can still be exported by any clinician
    for suffix in ("export.json", "export.fhir.json"):
        url = f"/clinician/submissions/{reference}/{suffix}"
        assert signed_in.client.get(url).status_code == 200, url
    admin = Staff(app.test_client(), signed_in.clock)
    admin.full_sign_in(admin_account)
    assert admin.client.get("/clinician/export.csv").status_code == 200
    links = soup(admin.client.get("/clinician/")).select('a[href^="/clinician/export"]')
    assert [words(a) for a in links] == ["CSV", "FHIR NDJSON", "FHIR Bundle"]


def test_failures_from_one_address_never_lock_the_clinician_out_of_theirs(
    migrated, tmp_path, clock
):
    """Behind one proxy (PROXY_FIX_HOPS=1), five wrong passwords from an outsider's
    address lock that address only; an admin sees the lock and lifts it, audited."""
    import shutil

    from sqlalchemy.engine import make_url

    from questionnaire import create_app

    from .conftest import ON_POSTGRESQL
    from .staff import audit_rows, make_clinician

    if ON_POSTGRESQL:
        url = migrated
    else:
        url = f"sqlite:///{tmp_path / 'proxy.sqlite3'}"
        shutil.copyfile(make_url(migrated).database, tmp_path / "proxy.sqlite3")
    app = create_app({"APP_ENV": "testing", "DATABASE_URL": url, "PROXY_FIX_HOPS": 1})
    if ON_POSTGRESQL:
        with app.app_context():
            from sqlalchemy import text as sql

            from questionnaire.extensions import db

            tables = ", ".join(t.name for t in db.metadata.sorted_tables)
            db.session.execute(sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
    account = make_clinician(app)
    admin_account = make_clinician(app, "ada@clinic.example", role="admin")

    def browser(address: str) -> Staff:
        client = app.test_client()
        client.environ_base["HTTP_X_FORWARDED_FOR"] = address
        return Staff(client, clock)

    outsider, clinician = browser("203.0.113.9"), browser("198.51.100.20")
    for _ in range(5):
        assert outsider.sign_in(account["email"], "not the password").status_code == 422
    assert [e.action for e in audit_rows(app)][-1] == "locked-out"
    # the outsider's address is locked, even with the right password...
    assert outsider.sign_in(account["email"], account["password"]).status_code == 422
    # ...but the clinician signs in from their own address
    clinician.full_sign_in(account)
    assert clinician.client.get("/clinician/").status_code == 200

    admin = browser("198.51.100.30")
    admin.full_sign_in(admin_account)
    page = soup(admin.client.get("/clinician/accounts"))
    [row] = page.select("tr[data-lock]")
    assert [words(td) for td in row.find_all("td")][:2] == [account["email"], "203.0.113.9"]
    assert admin.post(row.select_one("form")["action"]).status_code == 303
    event = audit_rows(app)[-1]
    assert (event.action, event.actor_email, event.detail) == (
        "unlocked",
        admin_account["email"],
        f"{account['email']}: 1 lock lifted",
    )
    assert soup(admin.client.get("/clinician/accounts")).select("tr[data-lock]") == []
    outsider.clock.advance(seconds=31)
    assert outsider.sign_in(account["email"], account["password"]).status_code == 303
    with app.app_context():
        from questionnaire.extensions import db

        db.session.remove()
        db.engine.dispose()


def test_the_authenticator_secret_is_in_no_column_of_the_database(app, staff):
    from sqlalchemy import inspect
    from sqlalchemy import text as sql

    from questionnaire.extensions import db

    from .staff import make_clinician

    account = make_clinician(app, "new@clinic.example", enrolled=False)
    staff.full_sign_in(account)  # enrols: the secret shown once, then stored
    secret = account["secret"]
    with app.app_context():
        stored = []
        for table in inspect(db.engine).get_table_names():
            for row in db.session.execute(sql(f'SELECT * FROM "{table}"')):  # noqa: S608
                stored += [str(value) for value in row]
        ciphertext = db.session.scalar(
            sql("SELECT totp_secret FROM clinicians WHERE email = 'new@clinic.example'")
        )
    assert stored and not [value for value in stored if secret in value]
    assert ciphertext.startswith("gAAAAA")  # a Fernet token


def test_rotating_the_key_re_encrypts_and_old_keys_still_read(app, runner):
    from cryptography.fernet import Fernet
    from sqlalchemy import select
    from sqlalchemy import text as sql

    from questionnaire.extensions import db
    from questionnaire.models import Clinician

    from .staff import make_clinician

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["MFA_ENCRYPTION_KEYS"] = (old,)
    account = make_clinician(app, "sam@clinic.example")

    def raw() -> str:
        with app.app_context():
            return db.session.scalar(sql("SELECT totp_secret FROM clinicians"))

    sealed_with_old = raw()
    app.config["MFA_ENCRYPTION_KEYS"] = (new, old)
    with app.app_context():  # the old key still reads
        assert db.session.scalar(select(Clinician.totp_secret)) == account["secret"]
    result = runner.invoke(args=["clinician", "rotate-mfa-key"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Re-encrypted 1 authenticator secrets with the first key.")
    assert raw() != sealed_with_old
    assert Fernet(new.encode()).decrypt(raw().encode()).decode() == account["secret"]
    app.config["MFA_ENCRYPTION_KEYS"] = (new,)  # the old key can go
    with app.app_context():
        assert db.session.scalar(select(Clinician.totp_secret)) == account["secret"]
