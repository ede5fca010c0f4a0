"""Teams on one PostgreSQL server: each team's inquiries are kept apart by the database.

Two teams share one database. Team B's member cannot read, list, change or delete team A's
inquiry through the kit, nor through raw SQL with B's own credentials; someone in both teams
sees both; taking someone out of a team takes effect on their next query. The admin's role
owns the tables and is not a superuser, so row-level security applies to it too (FORCE).
"""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
import pytest
from postgres import next_name
from sqlalchemy import text

from widgets.cli import main
from widgets.examples import build
from widgets.model import ModelError, Person, slugify
from widgets.paths import REPO_DIR
from widgets.store import NotFound, Store, teams
from widgets.store import schema as s


@pytest.fixture
def a_slug(hub):
    """Team A's inquiry, with something in every part that B could try to reach."""
    st = hub.store(hub.ann, team=hub.a)
    slug = st.create_inquiry("Family break-up", by="Ann")
    st.add_person(slug, "Dawn", by="Ann")
    from widgets.model import Practice, Unit

    st.replace_units(slug, [Unit("U1", 1.0, None, "Real Name", {"income": "low"})], ["income"])
    st.add_practice(slug, Practice("Eating together"))
    return slug


def test_team_a_sees_its_own_inquiry_and_new_slugs_carry_the_team(hub, a_slug):
    st = hub.store(hub.ann, team=hub.a)
    assert a_slug == st.team_slug("family-break-up") == f"{slugify(hub.a)}-family-break-up"
    assert [i.slug for i in st.list_inquiries()] == [a_slug]
    assert st.get(a_slug).group == [Person("Dawn", "lived", 1)]
    assert st.teams() == [hub.a]


def test_team_b_cannot_read_list_change_or_delete_team_as_inquiry_through_the_kit(hub, a_slug):
    st = hub.store(hub.bob, team=hub.b)
    assert st.list_inquiries() == []
    assert not st.exists(a_slug)
    for attempt in (lambda: st.get(a_slug), lambda: st.summary(a_slug),
                    lambda: st.history(a_slug), lambda: st.units_frame(a_slug),
                    lambda: st.rename(a_slug, "Taken", by="Bob"),
                    lambda: st.add_person(a_slug, "Bob"),
                    lambda: st.delete_inquiry(a_slug),
                    lambda: st.updated_at(a_slug)):
        with pytest.raises(NotFound):
            attempt()
    # B's own work goes on beside it; the same title is no clash across teams
    mine = st.create_inquiry("Family break-up", by="Bob")
    assert mine != a_slug
    assert [i.slug for i in st.list_inquiries()] == [mine]
    ann = hub.store(hub.ann, team=hub.a)
    assert ann.get(a_slug).title == "Family break-up"
    assert [h.by for h in ann.history(a_slug)].count("Bob") == 0


def test_team_b_cannot_reach_team_as_rows_with_raw_sql(hub, a_slug, postgres):
    [(a_id,)] = postgres.sql("SELECT id FROM inquiries WHERE slug = %s", hub.database,
                             params=(a_slug,))
    with hub.raw(hub.bob) as conn:
        for table in s.metadata.sorted_tables:  # nothing of A's, in any table
            if "inquiry_id" in table.c:
                rows = conn.execute(f"SELECT count(*) FROM {table.name} WHERE inquiry_id = %s",
                                    (a_id,)).fetchone()[0]
                assert rows == 0, table.name
        assert conn.execute("SELECT count(*) FROM inquiries").fetchone()[0] == 0
        assert conn.execute("UPDATE inquiries SET title = 'x' WHERE id = %s",
                            (a_id,)).rowcount == 0
        assert conn.execute("DELETE FROM inquiries WHERE id = %s", (a_id,)).rowcount == 0
        assert conn.execute("DELETE FROM history").rowcount == 0
        assert conn.execute("UPDATE people SET name = 'x'").rowcount == 0
        policy = "row-level security"
        refused = [
            ("INSERT INTO people (inquiry_id, number, name, role) VALUES (%s, 99, 'x', 'lived')",
             (a_id,), policy),
            (*_insert_inquiry("mine", hub.a), policy),  # into A's team
            (*_insert_inquiry("mine", ""), policy),  # without a team
            ("ALTER TABLE inquiries NO FORCE ROW LEVEL SECURITY", None, "owner"),
            ("ALTER TABLE inquiries DISABLE ROW LEVEL SECURITY", None, "owner"),
            ("DROP POLICY hi_team ON inquiries", None, "owner"),
            (f"SET ROLE {teams.team_role(hub.a)}", None, "permission denied"),
            (f"GRANT {teams.team_role(hub.a)} TO {teams.user_role(hub.bob)}", None,
             "permission denied|must have admin"),
            ("UPDATE schema_info SET value = '1'", None, "permission denied"),
        ]
        for statement, params, reason in refused:
            with pytest.raises(psycopg.Error, match=reason):
                conn.execute(statement, params)
        conn.execute("SET row_security = off")  # allowed, but then any filtered query fails
        with pytest.raises(psycopg.Error, match="row-level security"):
            conn.execute("SELECT * FROM inquiries")
        conn.execute("RESET row_security")
        # and a row of B's own cannot be moved into A's team
        conn.execute(*_insert_inquiry("b-own", hub.b))
        with pytest.raises(psycopg.Error, match=policy):
            conn.execute("UPDATE inquiries SET team = %s WHERE slug = 'b-own'", (hub.a,))
    ann = hub.store(hub.ann, team=hub.a)
    assert ann.get(a_slug).units[0].private_name == "Real Name"  # untouched
    assert ann.get(a_slug).group == [Person("Dawn", "lived", 1)]


def _insert_inquiry(slug: str, team: str) -> tuple[str, tuple]:
    """Raw SQL for a complete inquiry row (so that only the policy can refuse it)."""
    columns = [c.name for c in s.inquiries.c if c.name not in ("id", "downloaded_at")]
    values = {c: "" for c in columns} | {"slug": slug, "title": slug, "team": team,
                                         "context_columns": "[]"}
    return (f"INSERT INTO inquiries ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})", tuple(values[c] for c in columns))


def test_a_person_in_both_teams_sees_both(hub, a_slug):
    b_slug = hub.store(hub.bob, team=hub.b).create_inquiry("Loneliness")
    cat = hub.store(hub.cat, team=hub.b)
    assert sorted(i.slug for i in cat.list_inquiries()) == sorted([a_slug, b_slug])
    assert cat.teams() == sorted([hub.a, hub.b])
    cat.add_person(a_slug, "Cat", by="Cat")  # and may work on either
    assert [p.name for p in hub.store(hub.ann).get(a_slug).group] == ["Dawn", "Cat"]


def test_a_person_in_both_teams_chooses_the_team_of_a_new_inquiry(hub):
    cat = hub.store(hub.cat, team=hub.a)  # the page chose A for new inquiries
    assert cat.teams() == sorted([hub.a, hub.b])
    default = cat.create_inquiry("Homework club")
    chosen = cat.create_inquiry("Lunch queue", team=hub.b)
    loaded = cat.save_inquiry(build("grub-hub"), team=hub.b)
    assert chosen == f"{slugify(hub.b)}-lunch-queue"
    found = {i.slug: i.team for i in cat.list_inquiries()}
    assert found == {default: hub.a, chosen: hub.b, loaded: hub.b}
    # the database agrees: B's member sees the two B inquiries, A's member only the A one
    assert sorted(i.slug for i in hub.store(hub.bob).list_inquiries()) == sorted([chosen, loaded])
    assert [i.slug for i in hub.store(hub.ann).list_inquiries()] == [default]
    assert cat.team == hub.a  # choosing for one inquiry does not change the page's default


def test_a_team_the_database_does_not_show_is_a_plain_message(hub):
    bob = hub.store(hub.bob, team=hub.b)
    assert bob.teams() == [hub.b]
    for team in (hub.a, "nosuchteam", "Robert'); DROP TABLE inquiries; --"):
        with pytest.raises(ModelError, match=rf"not in the team .*choose one of your teams "
                                             rf"\({hub.b}\)"):
            bob.create_inquiry("Sneaking into A", team=team)
        with pytest.raises(ModelError, match="not in the team"):
            bob.save_inquiry(build("grub-hub"), team=team)
    for empty in ("", "  "):
        with pytest.raises(ModelError, match="Choose the team"):
            bob.create_inquiry("No team", team=empty)
    admin = hub.admin()
    with pytest.raises(ModelError, match="not in the team"):  # the owner is in no team
        admin.create_inquiry("The admin's", team=hub.a)
    assert hub.store(hub.ann).list_inquiries() == [] and bob.list_inquiries() == []
    assert admin.list_inquiries() == []


def test_the_standalone_kit_has_no_teams_to_choose(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'kit.sqlite'}")
    try:
        assert st.teams() == []
        with pytest.raises(ModelError, match="no teams"):
            st.create_inquiry("A group", team="team_a")
        slug = st.create_inquiry("A group")
        assert [(i.slug, i.team) for i in st.list_inquiries()] == [(slug, "")]
    finally:
        st.close()


def test_removing_a_member_takes_effect_on_their_next_query(hub, a_slug):
    cat = hub.store(hub.cat, team=hub.b)
    assert cat.exists(a_slug)
    admin = Store(hub.admin_url)
    try:
        assert teams.remove_member(admin.engine, hub.a, hub.cat)
        assert not teams.remove_member(admin.engine, hub.a, hub.cat)  # already out
    finally:
        admin.close()
    assert not cat.exists(a_slug)  # the same open store, pooled connection and all
    with pytest.raises(NotFound):
        cat.get(a_slug)
    assert hub.store(hub.ann).exists(a_slug)


def test_the_owner_sees_only_the_standalone_inquiries(hub, a_slug):
    admin = Store(hub.admin_url)
    try:
        own = admin.create_inquiry("Kept by the admin")
        assert [i.slug for i in admin.list_inquiries()] == [own]
    finally:
        admin.close()
    assert not hub.store(hub.bob).exists(own)
    assert not hub.store(hub.ann).exists(own)


def test_a_store_cannot_claim_a_team_it_is_not_in(hub):
    st = hub.store(hub.bob, team=hub.a)
    with pytest.raises(ModelError, match="may not add inquiries to the team"):
        st.create_inquiry("Sneaking into A")
    with pytest.raises(ModelError, match="may not add inquiries to no team"):
        hub.store(hub.bob).save_inquiry(build("grub-hub"))
    assert hub.store(hub.ann).list_inquiries() == []


def test_team_and_user_names():
    assert teams.team_role("team_a") == "hi_team_team_a"
    for bad in ("", "Team A", "postgres; drop", "a" * 41, "1team"):
        with pytest.raises(ModelError):
            teams.team_role(bad)
    assert teams.user_role("dawn") == "hi_user_dawn"
    odd = teams.user_role("Dawn.Smith@example.org")
    assert odd.startswith("hi_user_dawn_smith_example_org_") and odd != teams.user_role("dawn")
    assert teams.user_role("a.b") != teams.user_role("a_b")


def test_server_env_names_the_users_role_and_never_the_admins_password():
    env = teams.server_env("postgresql+psycopg://kit_admin:ADMINPW@db.example:5433/kit",
                           "dawn", secret="s3cret")
    url = env["HIDDEN_INSIGHTS_DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://hi_user_dawn:")
    assert "ADMINPW" not in url and "kit_admin" not in url
    assert url.endswith("@db.example:5433/kit")
    assert teams.user_password("dawn", "s3cret") in url
    assert teams.user_password("dawn", "s3cret") != teams.user_password("dawn", "other")
    socket = teams.server_env("postgresql://kit_admin@/kit?host=/run/postgresql", "dawn")
    assert socket == {
        "HIDDEN_INSIGHTS_DATABASE_URL": "postgresql+psycopg://hi_user_dawn@/kit?host=/run/postgresql"}


def test_the_admin_cli(hub, capsys, monkeypatch):
    monkeypatch.setenv("HIDDEN_INSIGHTS_DATABASE_URL", hub.admin_url)
    team = f"c{next_name()}_{hub.database[-4:]}"
    user = f"dee{next_name()}"
    assert main(["hub", "add-team", team]) == 0
    assert main(["hub", "add-member", team, user]) == 0
    assert main(["hub", "env", user]) == 0
    out = capsys.readouterr().out
    assert f"added the team {team}" in out and f"{user} is in {team}" in out
    [line] = [x for x in out.splitlines() if x.startswith("HIDDEN_INSIGHTS_DATABASE_URL=")]
    url = line.split("=", 1)[1]
    st = Store(url, team=team)  # exactly what the spawner would give the user's server
    try:
        slug = st.create_inquiry("Dee's inquiry")
        assert st.exists(slug)
        assert main(["hub", "teams"]) == 0
        assert f"{team}: {teams.user_role(user)}" in capsys.readouterr().out
        assert main(["hub", "remove-member", team, user]) == 0
        assert not st.exists(slug)
    finally:
        st.close()
    assert main(["hub", "add-member", "nosuchteam", user]) == 2
    assert "no team called 'nosuchteam'" in capsys.readouterr().err
    assert main(["hub", "add-team", "Bad Name"]) == 2


def test_migrating_a_version_1_database_keeps_its_inquiries(store_url, backend):
    st = Store(store_url)
    slug = st.create_inquiry("From before teams")
    with st.engine.begin() as conn:  # back to the version 1 layout
        if backend == "postgresql":
            for table in s.metadata.sorted_tables:
                conn.execute(text(f"DROP POLICY hi_team ON {table.name}"))
                conn.execute(text(f"ALTER TABLE {table.name} DISABLE ROW LEVEL SECURITY"))
        conn.execute(text("ALTER TABLE inquiries DROP COLUMN team"))
        conn.execute(text("UPDATE schema_info SET value = '1'"))
    st.close()
    again = Store(store_url)
    try:
        assert again.get(slug).title == "From before teams"
        with again.engine.connect() as conn:
            assert conn.execute(text("SELECT team FROM inquiries")).scalar() == ""
            assert conn.execute(text("SELECT value FROM schema_info")).scalar() == str(
                s.SCHEMA_VERSION)
            if backend == "postgresql":
                forced = conn.execute(text("SELECT relforcerowsecurity FROM pg_class "
                                           "WHERE relname = 'inquiries'")).scalar()
                assert forced
    finally:
        again.close()


test_migrating_a_version_1_database_keeps_its_inquiries = pytest.mark.both_backends(
    test_migrating_a_version_1_database_keeps_its_inquiries)


def test_membership_can_follow_the_hubs_groups(hub):
    admin = hub.admin()
    assert teams.sync_member(admin.engine, hub.cat, [hub.b, "not_a_team"]) == [hub.b]
    assert hub.store(hub.cat).teams() == [hub.b]
    new_user = f"eve{next_name()}"
    assert teams.sync_member(admin.engine, new_user, [hub.a]) == [hub.a]  # role made too
    assert hub.store(new_user).teams() == [hub.a]
    assert teams.sync_member(admin.engine, new_user, []) == []
    assert hub.store(new_user).teams() == []


def test_the_cli_finds_the_admin_url_as_the_hub_has_it(hub, capsys, monkeypatch):
    monkeypatch.delenv("HIDDEN_INSIGHTS_DATABASE_URL", raising=False)
    monkeypatch.delenv("HIDDEN_INSIGHTS_ADMIN_URL", raising=False)
    assert main(["hub", "teams"]) == 2
    assert "say which database" in capsys.readouterr().err
    monkeypatch.setenv("HIDDEN_INSIGHTS_ADMIN_URL", hub.admin_url)
    assert main(["hub", "teams"]) == 0
    assert f"{hub.a}: " in capsys.readouterr().out


def test_the_hub_gives_each_server_its_role_and_follows_its_groups(hub):
    # The hub's own environment has the kit without its analysis libraries (deploy guide).
    code = ("import sys; from widgets.store import teams; "
            "print(sorted({'numpy', 'pandas'} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(REPO_DIR)})
    assert done.stdout.strip() == "[]", done.stderr[-2000:]
    user = f"dee{next_name()}"
    env = teams.spawn_env(hub.admin_url, user, [hub.b, "not_a_team"], secret="s3cret")
    assert env == teams.server_env(hub.admin_url, user, secret="s3cret")
    admin = hub.admin()
    members = teams.teams(admin.engine)
    assert teams.user_role(user) in members[hub.b] and teams.user_role(user) not in members[hub.a]
    teams.spawn_env(hub.admin_url, user, [hub.a])  # the Hub's groups changed
    members = teams.teams(admin.engine)
    assert teams.user_role(user) in members[hub.a] and teams.user_role(user) not in members[hub.b]
    assert teams.spawn_env(hub.admin_url, user) == teams.server_env(hub.admin_url, user)


def test_an_edit_on_postgresql_is_a_few_statements_and_still_logged(hub, a_slug):
    # Each statement is a round trip to a shared server (psycopg adds BEGIN and COMMIT):
    # the lock is the updated_at stamp, numbers are taken inside their INSERT.
    from sqlalchemy import event

    from widgets.model import Issue, ProgressEntry

    st = hub.store(hub.ann, team=hub.a)
    sent: list[str] = []
    event.listen(st.engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: sent.append(sql))
    before = len(st.history(a_slug))
    budget = [
        (lambda: st.set_issue(a_slug, Issue(statement="Families split up")), 3),
        (lambda: st.add_progress(a_slug, ProgressEntry("2024-01-01", attendance=3)), 3),
        (lambda: st.add_person(a_slug, "Sam"), 4),
        (lambda: st.set_reflection(a_slug, 1, "about_me", "We listened"), 4),
    ]
    for edit, most in budget:
        sent.clear()
        edit()
        assert len(sent) <= most, sent
    history = st.history(a_slug)
    assert [h.id for h in history] == list(range(1, before + len(budget) + 1))
    assert [h.part for h in history[-4:]] == ["issue", "progress", "group", "reflections"]
    assert [p.name for p in st.get(a_slug).group] == ["Dawn", "Sam"]
    assert st.summary(a_slug).updated_at == history[-1].at


def test_a_part_is_checked_against_its_own_inquiry_not_every_inquiry(hub, a_slug, postgres):
    # On a council's server with thousands of inquiries, a policy that hashes every inquiry
    # (``inquiry_id IN (SELECT id FROM inquiries)``) makes every statement of every edit read
    # all of them; the policies must look up the one inquiry instead.
    [(a_id,)] = postgres.sql("SELECT id FROM inquiries WHERE slug = %s", hub.database,
                             params=(a_slug,))
    statements = [
        "UPDATE people SET name = 'Dee' WHERE inquiry_id = %(i)s AND number = 1",
        "SELECT * FROM history WHERE inquiry_id = %(i)s",
        "INSERT INTO history (inquiry_id, number, at, by, part, change, detail) "
        "SELECT %(i)s, coalesce(max(number), 0) + 1, 'a', 'b', 'c', 'd', '{}' "
        "FROM history WHERE inquiry_id = %(i)s",
        "UPDATE inquiries SET updated_at = 'x' WHERE id = %(i)s",
    ]
    with hub.raw(hub.ann) as conn:
        for statement in statements:
            plan = "\n".join(r[0] for r in conn.execute(f"EXPLAIN {statement}", {"i": a_id}))
            assert "hashed SubPlan" not in plan and "pg_authid" not in plan, plan


def test_a_removed_team_hides_its_inquiries_without_an_error(hub, a_slug, postgres):
    # The policy looks a team's role up by name: a team whose role the admin dropped must
    # leave its inquiries visible to no one, and every other query working.
    b_slug = hub.store(hub.bob, team=hub.b).create_inquiry("Loneliness")
    postgres.sql(f"DROP ROLE {teams.team_role(hub.a)}", hub.database)
    cat = hub.store(hub.cat, team=hub.b)
    assert [i.slug for i in cat.list_inquiries()] == [b_slug]
    assert not cat.exists(a_slug)
    assert hub.store(hub.ann).list_inquiries() == []
    assert hub.store(hub.bob).get(b_slug).title == "Loneliness"
    with hub.raw(hub.ann) as conn:
        assert conn.execute("SELECT count(*) FROM people").fetchone()[0] == 0
    admin = hub.admin()
    assert admin.list_inquiries() == []


#: The policies of schema 3, whose cost grew with every inquiry and role on the server.
_V3_POLICIES = (
    "CREATE POLICY hi_team ON inquiries USING ((team = '' AND current_user = current_user) "
    f"OR (team <> '' AND team IN ({teams.MY_TEAMS_SQL})))",
    "CREATE POLICY hi_team ON {table} USING (inquiry_id IN (SELECT id FROM inquiries))",
)


def test_a_version_3_database_gets_the_policies_that_do_not_read_every_inquiry(hub, a_slug):
    with hub.admin().engine.begin() as conn:  # back to schema 3's policies
        for table in s.metadata.sorted_tables:
            if table.name != "schema_info":
                conn.execute(text(f"DROP POLICY hi_team ON {table.name}"))
        conn.execute(text(_V3_POLICIES[0]))
        for table in s.metadata.sorted_tables:
            if "inquiry_id" in table.c:
                conn.execute(text(_V3_POLICIES[1].format(table=table.name)))
        conn.execute(text("UPDATE schema_info SET value = '3'"))
    hub.close()
    # A user's server opening it first gets one plain sentence, and nothing changes.
    with pytest.raises(ModelError, match="only the server's admin may bring it up to date"):
        Store(hub.url(hub.ann), team=hub.a)
    with hub.raw(hub.ann) as conn:
        assert conn.execute("SELECT value FROM schema_info").fetchone()[0] == "3"
    Store(hub.admin_url).close()  # the admin opens it first (the owner migrates)
    with hub.raw(hub.ann) as conn:
        policies = dict(conn.execute("SELECT tablename, qual FROM pg_policies"))
        assert "to_regrole" in policies["inquiries"] and "pg_roles" not in policies["inquiries"]
        assert " IN " not in policies["people"] and "i.id = people.inquiry_id" in policies["people"]
        assert conn.execute("SELECT value FROM schema_info").fetchone()[0] == "4"
    ann = hub.store(hub.ann, team=hub.a)
    assert ann.get(a_slug).group == [Person("Dawn", "lived", 1)]
    assert not hub.store(hub.bob).exists(a_slug)
