"""Error pages: HTML for people, JSON for the API and the health check.

Unhandled exceptions reach the 500 handler as InternalServerError (Flask logs them),
and the request's database session is rolled back at teardown.
"""

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: _l("Yêu cầu không hợp lệ."),
    403: _l("Bạn không có quyền xem trang này."),
    404: _l("Không tìm thấy trang bạn cần."),
    405: _l("Trang này không nhận kiểu yêu cầu đó."),
    413: _l("Dữ liệu gửi lên quá lớn."),
    429: _l("Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút."),
    500: _l("Hệ thống đang gặp sự cố. Vui lòng thử lại sau."),
}


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)


def _http_error(error: HTTPException):
    code = error.code or 500
    message = str(MESSAGES.get(code, MESSAGES[500]))
    if request.path.startswith("/api/") or request.path == "/healthz":
        return {"error": {"code": code, "message": message}}, code
    return render_template("errors/error.html", code=code, message=message), code
