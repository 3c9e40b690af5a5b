import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from procedures.receipts import receipt_pdf
from procedures.services.documents import document_upload
from procedures.services.dossiers import dossier_create, dossier_perform_action
from tests.conftest import PDF_BYTES, VALID_DATA


def test_render(world):
    d = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA)
    document_upload(dossier_id=d.id, actor=world.citizen, requirement="declaration",
                    upload=SimpleUploadedFile("Tờ khai đăng ký khai sinh của bé Nguyễn Thị Hồng Nhung.pdf", PDF_BYTES))
    d = dossier_perform_action(dossier_id=d.id, action="submit", actor=world.citizen, version=d.version + 1)
    d.refresh_from_db()
    d = dossier_perform_action(dossier_id=d.id, action="accept", actor=world.reception, version=d.version)
    open("/tmp/receipt.pdf", "wb").write(receipt_pdf(d))
