"""The biller's claim queue, batch submission, files sent and acknowledgement pages."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from test_claims_out import ack_277, connect, scrubbed

from medbill.web.billing.models import Claim
from medbill.web.claims_out.models import ClaimWorkItem, Submission, SubmissionRun


def test_queue_submit_import_resolve(
    world, tmp_path, client_for, django_capture_on_commit_callbacks
):
    a = world.a
    client = client_for(world.users["biller"])
    connect(a, tmp_path)
    claim = scrubbed(a.claim)
    page = client.get("/claims-out/")
    assert page.status_code == 200
    assert claim.patient_control_number in page.content.decode()
    assert "Send as 837P" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the run's task, once committed
        resp = client.post("/claims-out/submit/", {"claim": [claim.pk], "connection": "prairie"})
    run = SubmissionRun.objects.get()
    assert resp.status_code == 302 and resp.url == f"/claims-out/submit/runs/{run.pk}/"
    sub = Submission.objects.get()
    assert run.status == "done" and run.submissions == [sub.pk]
    shown = client.get(resp.url).content.decode()
    assert sub.file_name in shown and "1</strong> claim." in shown
    listing = client.get("/claims-out/submissions/").content.decode()
    assert sub.file_name in listing and "Sent" in listing
    download = client.get(f"/claims-out/submissions/{sub.pk}/file/")
    assert download.content.decode() == sub.content

    upload = SimpleUploadedFile("ack.277", ack_277(sub, claim.patient_control_number, "A3:21:82"))
    resp = client.post("/claims-out/acks/", {"file": upload})
    assert resp.status_code == 302
    assert "ack.277" in client.get("/claims-out/acks/").content.decode()
    queue = client.get("/claims-out/").content.decode()
    assert "information is missing or invalid (rendering provider)" in queue
    item = ClaimWorkItem.objects.get()
    resp = client.post(
        f"/claims-out/rejections/{item.pk}/resolve/", {"resolution": "added the rendering NPI"}
    )
    assert resp.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == "draft"


def test_pages_check_roles_and_tenancy(world, tmp_path, client_for):
    connect(world.a, tmp_path)
    claim = scrubbed(world.a.claim)
    coder = client_for(world.users["coder"])
    assert (
        coder.post(
            "/claims-out/submit/", {"claim": [claim.pk], "connection": "prairie"}
        ).status_code
        == 403
    )
    front = client_for(world.users["front_desk"])
    upload = SimpleUploadedFile("x.999", b"ISA")
    assert front.post("/claims-out/acks/", {"file": upload}).status_code == 403
    biller = client_for(world.users["biller"])
    resp = biller.post(
        "/claims-out/submit/", {"claim": [world.b.claim.pk], "connection": "prairie"}, follow=True
    )
    assert "no claims to submit" in resp.content.decode()
    assert Claim.objects.get(pk=world.b.claim.pk).status == "draft"


def test_the_queue_is_in_the_main_navigation(world, client_for):
    page = client_for(world.users["biller"]).get("/claims-out/").content.decode()
    assert 'href="/claims-out/"' in page and "Claim queue" in page


def test_a_relative_folder_is_under_the_data_directory_not_the_working_one(
    world, tmp_path, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    data, elsewhere = tmp_path / "data", tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(data))
    monkeypatch.chdir(elsewhere)  # wherever the server happened to be started
    connect(world.a, "prairie-out")
    claim = scrubbed(world.a.claim)
    client = client_for(world.users["biller"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/claims-out/submit/", {"claim": [claim.pk], "connection": "prairie"})
    sub = Submission.objects.get()
    assert (data / "outbox" / "prairie-out" / sub.file_name).read_text() == sub.content
    assert not (elsewhere / "prairie-out").exists()
    listing = client.get("/claims-out/submissions/").content.decode()
    assert str(data) not in listing and "to the clearinghouse folder" in listing
    assert f'href="/claims-out/submissions/{sub.pk}/file/" download>download</a>' in listing
