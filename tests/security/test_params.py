"""The strict parameter layer (onetouch/core/params.py): the inputs that once made 500s are
refused or read as the document says, on both engines."""

from __future__ import annotations

import pytest
from werkzeug.routing import ValidationError

from onetouch.core.params import ID_MAX, IdConverter, ParameterError, day, integer


@pytest.mark.parametrize("value", ["²", "٣", " 1", "+1", "-1", "1_0", "1e3", "", "0x1",
                                   "2147483648", "99999999999999999999"])
def test_integers_are_ascii_digits_in_the_columns_range(value):
    with pytest.raises(ParameterError):
        integer(value, "course")


def test_integers_within_the_range_are_read():
    assert integer("0", "course") == 0
    assert integer(str(ID_MAX), "course") == ID_MAX
    assert integer("007", "course") == 7


@pytest.mark.parametrize("value", ["0001-01-01", "2019-12-31", "2101-01-01", "9999-12-31",
                                   "20261201", "2026-W49-2", "2026-02-30", "2026-1-5",
                                   "٢٠٢٦-01-01", "2026-12-01T00:00"])
def test_days_are_iso_dates_between_2020_and_2100(value):
    with pytest.raises(ParameterError):
        day(value, "from")


def test_the_id_converter_refuses_what_no_row_has():
    converter = IdConverter(None)
    assert converter.to_python("42") == 42
    for value in ("0", str(ID_MAX + 1)):
        with pytest.raises(ValidationError):
            converter.to_python(value)


def test_no_route_takes_a_plain_int(app):
    loose = [rule.rule for rule in app.url_map.iter_rules()
             if any(type(converter).__name__ == "IntegerConverter"
                    for converter in rule._converters.values())]
    assert loose == []


@pytest.mark.parametrize("path", ["/attempts/99999999999999999999", "/attempts/2147483648",
                                  "/attempts/0", "/attempts/%D9%A3", "/quizzes/%C2%B2",
                                  "/admin/users/9223372036854775808",
                                  "/admin/learners/2147483648", "/credentials/status/0",
                                  "/credentials/status/99999999999"])
def test_path_ids_out_of_range_are_404(app, client, login, make_user, path):
    login(client, make_user(role="ministry_admin"))
    assert client.get(path).status_code == 404


def test_the_statistics_page_tells_a_bad_filter_and_the_export_refuses_it(client):
    page = client.get("/stats?from=0001-01-01")
    assert page.status_code == 200
    assert "from:" in page.get_data(as_text=True)
    assert client.get("/stats/export.csv?from=0001-01-01").status_code == 400
    assert client.get("/stats/export.csv?course=%C2%B2").status_code == 400
    blank = client.get("/stats?scheme=&course=&audience=&from=&to=")  # the form, left empty
    assert blank.status_code == 200
    assert "from:" not in blank.get_data(as_text=True)


def test_a_course_filter_is_any_id_in_range(client, events):
    every = client.get("/api/v1/stats/provinces").get_json()
    zero = client.get("/api/v1/stats/provinces?course=0").get_json()
    assert zero == every  # 0: every course
    unknown = client.get("/api/v1/stats/provinces?course=999").get_json()
    assert unknown["filters"]["course"] == 999
    assert all(row["learners"] == row["enrolments"] == 0 for row in unknown["provinces"])
    backwards = client.get("/api/v1/stats/provinces?from=2026-02-01&to=2026-01-01")
    assert backwards.status_code == 200  # a range with no day in it: every figure 0
    assert all(row["learners"] == 0 for row in backwards.get_json()["provinces"])


@pytest.fixture
def events(make_user, factories, synced_library):
    factories.enrol(make_user())


@pytest.mark.parametrize("path", ["/courses", "/api/v1/stats/provinces", "/healthz"])
@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "FROB"])
def test_methods_a_route_does_not_take_are_405_with_allow(client, path, method):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD",
                                                                           "OPTIONS"}


@pytest.mark.parametrize("path", ["/search?q=a%00b", "/courses/%00", "/stats?province=%00",
                                  "/api/v1/stats/timeseries?province=0%00",
                                  "/verify?number=OT%00"])
def test_a_nul_character_is_refused(client, path):
    assert client.get(path).status_code == 400


def test_a_nul_character_in_a_form_is_refused(client):
    assert client.post("/login", data={"identifier": "a\x00b", "password": "x"}).status_code \
        == 400


def test_a_required_training_outside_the_years_is_refused(client, login, make_user,
                                                          synced_library):
    login(client, make_user(role="ministry_admin"))
    response = client.post("/admin/required", data={
        "course_id": "1", "audience": "citizen", "province_code": "",
        "starts_on": "0001-01-01", "deadline": "9999-12-31"})
    assert response.status_code == 422
    assert "2020" in response.get_data(as_text=True)


def test_the_audit_log_refuses_a_day_outside_the_years(client, login, make_user):
    login(client, make_user(role="ministry_admin"))
    assert client.get("/admin/audit?from=0001-01-01").status_code == 400
    assert client.get("/admin/audit?page=99999999999999999999").status_code == 200


def test_the_document_states_the_same_limits(client):
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = {p["name"]: p["schema"] for p in
                  document["paths"]["/api/v1/stats/timeseries"]["get"]["parameters"]}
    assert parameters["course"] == {"type": "integer", "minimum": 0, "maximum": ID_MAX}
    assert parameters["from"]["format"] == "date"
    assert parameters["from"]["pattern"].startswith("^(20[2-9][0-9]|2100)-")
    assert parameters["province"]["pattern"] == "^[0-9]{2}$"
