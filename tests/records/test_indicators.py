"""Indicators 4.1-4.3 from the records' own rows, one query each."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procedures.models import Channel
from procedures.services.documents import document_upload
from procedures.services.dossiers import dossier_create
from procedures.workflow import Action
from records import selectors
from records.models import StoredDocument
from records.services import store_reuse
from tests.conftest import PDF_BYTES, VALID_DATA, at
from tests.procedures.dossier_flow import T0, act, drive, new_draft
from tests.records.helpers import complete

START, END = at(2026, 10, 1), at(2026, 11, 1)


def _upload(dossier, actor):
    return document_upload(
        dossier_id=dossier.pk,
        actor=actor,
        requirement="declaration",
        upload=SimpleUploadedFile("a.pdf", PDF_BYTES, content_type="application/pdf"),
    )


def test_4_1_counts_completed_dossiers_with_a_signed_unrevoked_result(world, signing, settings):
    signed = complete(world)
    complete(world)
    settings.RECORDS_PKCS12_PATH = ""  # the third completes without a key: no e-result
    complete(world)
    drive(world, "processing@2")  # not completed: outside the population
    ratio = selectors.indicator_4_1(start=START, end=END)
    assert (ratio.numerator, ratio.denominator) == (2, 3)
    signed.signed_results.update(revoked_at=T0)
    assert selectors.indicator_4_1(start=START, end=END).numerator == 1
    assert selectors.indicator_4_1(start=START, end=END, agencies=[world.other_agency.pk]).denominator == 0
    assert selectors.indicator_4_1(start=END, end=END + timedelta(days=30)).denominator == 0


def test_4_2_counts_dossiers_with_files_and_an_e_result_when_they_have_a_result(world, signing, settings):
    drive(world, "processing@2")  # files (the declaration), no result yet: digitised
    complete(world)  # files and a signed result: digitised
    settings.RECORDS_PKCS12_PATH = ""
    complete(world)  # files but no e-result: not digitised
    paper = dossier_create(
        applicant=world.citizen,
        procedure_code=world.procedure.code,
        data=VALID_DATA,
        channel=Channel.IN_PERSON,
        created_by=world.reception,
        now=T0,
    )
    _upload(paper, world.reception)  # scanned at the desk: digitised
    act(paper, Action.SUBMIT, world.reception, now=T0 + timedelta(minutes=5))
    ratio = selectors.indicator_4_2(start=START, end=END)
    assert (ratio.numerator, ratio.denominator) == (3, 4)
    assert ratio.value == 0.75


def test_4_3_counts_dossiers_reusing_a_stored_document(world):
    earlier = new_draft(world, documents=())
    stored = StoredDocument.objects.create(
        owner=world.citizen, document=_upload(earlier, world.citizen), kind="upload", name="a", issued_at=T0
    )
    act(earlier, Action.SUBMIT, world.citizen, now=T0)
    reusing = new_draft(world, documents=())
    store_reuse(dossier_id=reusing.pk, actor=world.citizen, requirement="declaration", stored_id=stored.pk)
    act(reusing, Action.SUBMIT, world.citizen, now=T0 + timedelta(hours=1))
    ratio = selectors.indicator_4_3(start=START, end=END)
    assert (ratio.numerator, ratio.denominator) == (1, 2)


def test_each_indicator_is_one_query(world, signing):
    complete(world)
    for function in (selectors.indicator_4_1, selectors.indicator_4_2, selectors.indicator_4_3):
        with CaptureQueriesContext(connection) as queries:
            function(start=START, end=END, agencies=[world.agency.pk])
        assert len(queries) == 1, function.__name__
