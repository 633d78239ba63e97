"""The printable certificate: A4 landscape, Vietnamese text, a QR code to the verify page."""

from __future__ import annotations

import io
from importlib import resources

import segno
from fpdf import FPDF

from onetouch.certificates.models import Certificate
from onetouch.core import clock

BRAND = (179, 38, 30)
INK = (27, 31, 36)
MUTED = (74, 85, 96)


def _fonts(pdf: FPDF) -> None:
    folder = resources.files("onetouch.certificates").joinpath("fonts")
    pdf.add_font("DejaVu", "", str(folder.joinpath("DejaVuSans.ttf")))
    pdf.add_font("DejaVu", "B", str(folder.joinpath("DejaVuSans-Bold.ttf")))


def _line(pdf: FPDF, text: str, size: float, style: str = "", color=INK, gap: float = 2) -> None:
    pdf.set_font("DejaVu", style, size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def render(certificate: Certificate, verify_url: str) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(f"Chứng chỉ {certificate.number}")
    pdf.set_author(certificate.issuing_unit)
    pdf.set_creator("OneTouch")
    pdf.set_auto_page_break(False)
    pdf.set_margins(30, 22, 30)
    _fonts(pdf)
    pdf.add_page()
    _frame(pdf)
    _body(pdf, certificate)
    _qr(pdf, verify_url)
    if certificate.revoked_at is not None:
        _revoked(pdf, certificate)
    return bytes(pdf.output())


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.6)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, 269, 182)


def _body(pdf: FPDF, certificate: Certificate) -> None:
    pdf.set_y(24)
    _line(pdf, "NỀN TẢNG HỌC TRỰC TUYẾN MỞ ONETOUCH", 11, "B", BRAND, gap=6)
    _line(pdf, "CHỨNG CHỈ", 34, "B", INK, gap=4)
    _line(pdf, "Xác nhận", 13, "", MUTED, gap=2)
    _line(pdf, certificate.learner_name, 26, "B", BRAND, gap=3)
    _line(pdf, "đã hoàn thành khóa học", 13, "", MUTED, gap=2)
    _line(pdf, certificate.course_title, 18, "B", INK, gap=5)
    _line(pdf, f"Thời lượng: {certificate.hours:g} giờ   ·   Ngày cấp: "
               f"{clock.local_date(certificate.issued_at)}", 12, "", INK, gap=1)
    _line(pdf, f"Đơn vị cấp: {certificate.issuing_unit}", 12, "", INK, gap=1)
    _line(pdf, f"Số chứng chỉ: {certificate.number}", 12, "B", INK, gap=0)


def _qr(pdf: FPDF, verify_url: str) -> None:
    image = io.BytesIO()
    segno.make(verify_url, error="m").save(image, kind="png", scale=8, border=2)
    image.seek(0)
    pdf.image(image, x=239, y=150, w=36, h=36)
    pdf.set_xy(150, 178)
    pdf.set_font("DejaVu", "", 8)
    pdf.set_text_color(*MUTED)
    pdf.cell(86, 4, "Quét mã hoặc mở địa chỉ sau để kiểm tra chứng chỉ:", align="R",
             new_x="LEFT", new_y="NEXT")
    pdf.cell(86, 4, verify_url, align="R")


def _revoked(pdf: FPDF, certificate: Certificate) -> None:
    pdf.set_xy(30, 92)
    pdf.set_font("DejaVu", "B", 40)
    pdf.set_text_color(*BRAND)
    with pdf.rotation(18, x=148, y=105):
        pdf.cell(237, 20, "ĐÃ BỊ THU HỒI", align="C")
    pdf.set_xy(30, 188)
    pdf.set_font("DejaVu", "", 8)
    pdf.cell(120, 4, f"Thu hồi ngày {clock.local_date(certificate.revoked_at)}")
