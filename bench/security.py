"""Tether's security benchmark: one command, prints its figures.

    python bench/security.py [--postgres] [--providers N] [--arrangements N] [--links N]
                             [--requests N] [--documents N] [--uploads N] [--keep]

Generates a portfolio with Tether's own generator into a fresh database (SQLite in a temporary
data directory, or a fresh PostgreSQL database with --postgres), as bench/run.py does, gives
its busiest provider a portal contact, --requests information requests and --documents
document rows (tiny encrypted files, written in bulk with their audit entries), then measures:
  - document upload through `document_upload` (check, encrypt, store, audit) of --uploads
    generated PDFs, half of 20 pages and half of 100, and of 12-megapixel PNG and JPEG images;
  - `issue_copy` (decrypt, check, watermark, audit) of each kind: p50/p95;
  - the provider portal as that contact: server-side p50/p95 and SQL queries per request;
  - `tether rotate_document_keys --new-key` over every document: documents/s;
  - `tether audit verify` over the whole trail: entries/s, time, peak memory;
  - `tether audit export --format jsonl`: rows/s.
Steps that need Django run in child processes of this script (--step), like bench/pages.py.
Beside wall times it prints CPU times, which hold still when other work shares the machine.
"""

import argparse
import io
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import PYTHON, ROOT, TETHER, fresh_postgres, generate_portfolio, machine, run_measured

TARGETS = {"list_p95_ms": 300, "detail_p95_ms": 500, "queries": 15}
COPY_REPEATS = int(os.environ.get("BENCH_COPY_REPEATS", "10"))
CONTACT, MANAGER = "bench-contact", "bench-manager"
WORDS = ("the", "provider", "shall", "ensure", "continuity", "availability", "incident",
         "notification", "within", "hours", "audit", "rights", "subcontracting", "data",
         "location", "personal", "termination", "exit", "plan", "security", "controls",
         "encryption", "access", "logging", "testing", "recovery", "objective", "service",
         "level", "credits", "reporting")


# Generated files -------------------------------------------------------------------------


def _figures(rng: random.Random, count: int = 30) -> list[tuple[tuple[int, int], bytes]]:
    """JPEG figures (charts, scans of signatures) to put on PDF pages, ~50 KB each."""
    from PIL import Image, ImageDraw

    figures = []
    for _ in range(count):
        image = Image.effect_noise((640, 420), 18).convert("RGB")
        draw = ImageDraw.Draw(image)
        for _ in range(12):
            x, y = rng.randrange(640), rng.randrange(420)
            draw.rectangle((x, y, x + rng.randrange(20, 200), y + rng.randrange(20, 120)),
                           fill=tuple(rng.randrange(256) for _ in range(3)))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=65)
        figures.append((image.size, buffer.getvalue()))
    return figures


def pdf_bytes(pages: int, rng: random.Random, figures, title: str) -> bytes:
    """A report of `pages` A4 pages with pypdf: a page of compressed text and a figure each.

    About 55 KB a page, the size of a typical SOC 2 report or a contract with exhibits.
    """
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

    def name(value):
        return NameObject(value)

    writer = PdfWriter()
    writer.add_metadata({"/Title": title})
    font = writer._add_object(DictionaryObject({
        name("/Type"): name("/Font"), name("/Subtype"): name("/Type1"),
        name("/BaseFont"): name("/Helvetica")}))
    for number in range(1, pages + 1):
        page = writer.add_blank_page(595, 842)
        (width, height), jpeg = figures[rng.randrange(len(figures))]
        image = DecodedStreamObject()
        image.set_data(jpeg)
        image.update({
            name("/Type"): name("/XObject"), name("/Subtype"): name("/Image"),
            name("/Width"): NumberObject(width), name("/Height"): NumberObject(height),
            name("/ColorSpace"): name("/DeviceRGB"), name("/BitsPerComponent"): NumberObject(8),
            name("/Filter"): name("/DCTDecode")})
        lines = ["BT /F1 10 Tf 56 780 Td 13 TL", f"({title}, page {number} of {pages}) Tj"]
        lines += [f"({' '.join(rng.choice(WORDS) for _ in range(14))}) '" for _ in range(36)]
        lines.append("ET q 320 0 0 210 137 60 cm /Im1 Do Q")
        content = DecodedStreamObject()
        content.set_data("\n".join(lines).encode("ascii"))
        page[name("/Contents")] = writer._add_object(content.flate_encode())
        page[name("/Resources")] = DictionaryObject({
            name("/Font"): DictionaryObject({name("/F1"): font}),
            name("/XObject"): DictionaryObject({name("/Im1"): writer._add_object(image)})})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def photo_bytes(image_format: str, size=(4000, 3000)) -> bytes:
    """A 12-megapixel photo-like image (gradient, blotches, grain): ~9 MB PNG, ~2 MB JPEG."""
    from PIL import Image

    width, height = size
    base = Image.linear_gradient("L").resize(size).convert("RGB")
    blotches = Image.effect_noise((width // 8, height // 8), 60).convert("RGB").resize(
        size, Image.Resampling.BICUBIC)
    image = Image.blend(Image.blend(base, blotches, 0.5),
                        Image.effect_noise(size, 8).convert("RGB"), 0.15)
    buffer = io.BytesIO()
    image.save(buffer, image_format, **({"quality": 90} if image_format == "JPEG" else {}))
    return buffer.getvalue()


# Child steps (Django) --------------------------------------------------------------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")
    import django

    django.setup()


def _percentiles(values: list[float], cpu: list[float]) -> dict:
    """Wall p50/p95 and CPU p50 (this process's own, the database's included on SQLite)."""
    ordered = statistics.quantiles(values, n=20) if len(values) >= 2 else values
    return {"n": len(values), "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(ordered[-1], 1), "cpu_p50_ms": round(statistics.median(cpu), 1)}


def _clocked(function) -> tuple[object, float, float]:
    """What `function` returns, its wall time and its CPU time, in ms."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _portal_provider():
    from tether.core.models import User

    return User.objects.select_related("provider").get(username=CONTACT).provider


def step_fixture(args) -> dict:
    """A portal contact for the busiest provider, its requests and documents, in bulk."""
    _django()
    import hashlib
    import uuid
    from datetime import timedelta

    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from tether.core.audit import BulkChange, record_bulk, snapshot
    from tether.core.models import AuditAction, User
    from tether.core.roles import Role
    from tether.documents import storage
    from tether.documents.crypto import KeyRing
    from tether.documents.models import Document, DocumentKind
    from tether.portal.models import InformationRequest, RequestStatus
    from tether.registry.choices import Confidentiality
    from tether.registry.models import Arrangement, Provider

    rng = random.Random(5)
    provider = Provider.objects.annotate(n=Count("arrangements")).order_by("-n", "pk").first()
    manager = User.objects.create(username=MANAGER, role=Role.VENDOR_MANAGER,
                                  email="manager@bench.example")
    User.objects.create(username=CONTACT, role=Role.PROVIDER_CONTACT, provider=provider,
                        first_name="Dana", last_name="Contact", email="dana@provider.example")
    arrangement_ids = list(Arrangement.objects.filter(provider=provider).order_by("pk")
                           .values_list("pk", flat=True))
    # Every tenth contract holds confidential documents back until an NDA is on file (none
    # is): the portal's lists then carry the NDA filter, their most expensive form.
    Arrangement.objects.filter(pk__in=arrangement_ids[::10]).update(
        nda_required_from=Confidentiality.CONFIDENTIAL)
    today = timezone.localdate()
    statuses = [RequestStatus.OPEN] * 4 + [RequestStatus.ANSWERED] * 3 + [
        RequestStatus.ACCEPTED, RequestStatus.REOPENED, RequestStatus.WITHDRAWN]
    requests = [InformationRequest(
        provider=provider, arrangement_id=rng.choice(arrangement_ids) if n % 3 else None,
        title=f"Evidence request {n}: {' '.join(rng.choice(WORDS) for _ in range(5))}",
        question=" ".join(rng.choice(WORDS) for _ in range(60)),
        due_date=today + timedelta(days=rng.randrange(-60, 120)), status=statuses[n % 10],
        requested_by=manager,
    ) for n in range(args.requests)]
    keyring = KeyRing.from_settings()
    kinds = [DocumentKind.ISO27001, DocumentKind.SOC_REPORT, DocumentKind.POLICY,
             DocumentKind.EVIDENCE, DocumentKind.REPORT, DocumentKind.CERTIFICATE]
    request_type = ContentType.objects.get_for_model(InformationRequest)
    provider_type = ContentType.objects.get_for_model(Provider)
    arrangement_type = ContentType.objects.get_for_model(Arrangement)
    with transaction.atomic():
        InformationRequest.objects.bulk_create(requests, batch_size=500)
        record_bulk(actor=manager, model=InformationRequest, source="bench", changes=[
            BulkChange(r.pk, str(r), AuditAction.CREATE, None, snapshot(r)) for r in requests])
        documents = []
        for n in range(args.documents):
            document_uuid = uuid.uuid4()
            plaintext = f"Evidence {n} from {provider.name}\n".encode()
            blob_name = storage.blob_name_for(document_uuid, keyring.active_key_id)
            path = storage.documents_dir() / blob_name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(keyring.encrypt(plaintext, document_uuid.bytes))
            # Half answer a request, a quarter concern one contract, the rest the provider.
            if n % 2 == 0:
                attached = (request_type, requests[n // 2 % len(requests)].pk, None)
            elif n % 4 == 1:
                arrangement_id = rng.choice(arrangement_ids)
                attached = (arrangement_type, arrangement_id, arrangement_id)
            else:
                attached = (provider_type, provider.pk, None)
            documents.append(Document(
                uuid=document_uuid, title=f"{rng.choice(kinds).label} {n}",
                kind=kinds[n % len(kinds)], confidentiality=rng.choice(Confidentiality.values),
                content_type=attached[0], object_id=attached[1], arrangement_id=attached[2],
                provider=provider, shared_with_provider=n % 5 != 0,
                valid_until=today + timedelta(days=rng.randrange(-100, 700)),
                file_name=f"evidence-{n}.txt", media_type="text/plain", size=len(plaintext),
                sha256=hashlib.sha256(plaintext).hexdigest(), key_id=keyring.active_key_id,
                blob_name=blob_name, uploaded_by=manager, uploaded_by_provider=n % 7 == 0,
            ))
        Document.objects.bulk_create(documents, batch_size=500)
        record_bulk(actor=manager, model=Document, source="bench", changes=[
            BulkChange(d.pk, str(d), AuditAction.CREATE, None, snapshot(d)) for d in documents])
    return {"provider": provider.name, "arrangements": len(arrangement_ids),
            "requests": len(requests), "documents": len(documents)}


def _timed(function, repeats: int) -> dict:
    function()  # warm-up: imports, fonts, caches
    walls, cpus = [], []
    for _ in range(repeats):
        _, wall, cpu = _clocked(function)
        walls.append(wall)
        cpus.append(cpu)
    return _percentiles(walls, cpus)


def step_documents(args) -> dict:
    """Upload generated PDFs and images through the service, then time copies of each kind."""
    _django()
    import resource

    from tether.core.models import User
    from tether.documents.models import DocumentKind
    from tether.documents.services import document_plaintext, document_upload, issue_copy

    provider = _portal_provider()
    manager = User.objects.get(username=MANAGER)
    contact = User.objects.get(username=CONTACT)
    rng = random.Random(9)
    figures = _figures(rng)

    uploads, kept, total_bytes, total_ms = {}, {}, 0, 0.0

    def upload(label: str, name: str, data: bytes, title: str) -> None:
        nonlocal total_bytes, total_ms
        document, wall, cpu = _clocked(lambda: document_upload(
            actor=manager, attached_to=provider, upload_name=name, data=data,
            metadata={"title": title, "kind": DocumentKind.REPORT, "confidentiality": 1,
                      "shared_with_provider": True}, source="bench"))
        timings = uploads.setdefault(label, {"sizes": [], "wall": [], "cpu": []})
        timings["sizes"].append(len(data))
        timings["wall"].append(wall)
        timings["cpu"].append(cpu)
        kept.setdefault(label, document)
        if label.endswith("PDF"):
            total_bytes, total_ms = total_bytes + len(data), total_ms + wall

    for n in range(args.uploads):
        pages = 20 if n % 2 == 0 else 100
        upload(f"{pages}-page PDF", f"report-{n}.pdf",
               pdf_bytes(pages, rng, figures, f"Assurance report {n}"), f"{pages}-page report {n}")
    for image_format, extension in (("PNG", "png"), ("JPEG", "jpg")):
        data = photo_bytes(image_format)
        for n in range(3):
            upload(f"12-megapixel {image_format}", f"site-photo-{n}.{extension}", data,
                   f"Site photo {n}")
    upload_rows = [{"label": label, "size_mb": round(statistics.mean(r["sizes"]) / 2**20, 2),
                    **_percentiles(r["wall"], r["cpu"])} for label, r in uploads.items()]

    copies = []
    for label, document in kept.items():
        plain = _timed(lambda d=document: document_plaintext(d), COPY_REPEATS)
        marked = _timed(lambda d=document: issue_copy(d, recipient=contact, via_portal=True),
                        COPY_REPEATS)
        copies.append({"label": label, "size_mb": round(document.size / 2**20, 2),
                       "decrypt_p50_ms": plain["p50_ms"], **marked})
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"uploads": upload_rows,
            "pdf_upload_mb_s": round(total_bytes / 2**20 / total_ms * 1000, 1),
            "pdf_uploads_per_s": round(args.uploads / total_ms * 1000, 1),
            "copies": copies, "peak_mb": round(peak_mb, 1),
            "download_pk": kept["20-page PDF"].pk}


def step_portal(args) -> dict:
    """The portal's pages as the provider's contact, timed as bench/pages.py times pages."""
    _django()
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tether.core.models import User
    from tether.documents.models import Document
    from tether.documents.sharing import shared_documents
    from tether.portal.models import InformationRequest

    repeats = int(os.environ.get("BENCH_REPEATS", "30"))
    settings.ALLOWED_HOSTS = ["*"]
    contact = User.objects.get(username=CONTACT)
    provider = contact.provider
    # No second factor to pass: only administrators must have one, and force_login
    # bypasses the authentication backends, django-axes included.
    client = Client()
    client.force_login(contact)
    answered = (Document.objects.filter(
        content_type=ContentType.objects.get_for_model(InformationRequest))
        .values_list("object_id", flat=True).order_by("pk").first())
    pages = [
        ("list", "Portal home", "/portal/"),
        ("list", "Portal requests (latest 500)", "/portal/requests/"),
        ("list", "Portal documents (latest 500)", "/portal/documents/"),
        ("detail", "Portal request with attachments", f"/portal/requests/{answered}/"),
        ("detail", "Portal download, 20-page PDF (watermarked)",
         f"/portal/documents/{args.download}/download/"),
    ]
    results = []
    for kind, label, url in pages:
        client.get(url)  # warm-up: templates, URL resolver
        walls, cpus = [], []
        for _ in range(repeats):
            with CaptureQueriesContext(connection) as captured:
                response, wall, cpu = _clocked(lambda url=url: client.get(url))
            walls.append(wall)
            cpus.append(cpu)
        results.append({"kind": kind, "page": label, "url": url,
                        "status": response.status_code, "queries": len(captured),
                        **_percentiles(walls, cpus)})
    counts = {"requests": InformationRequest.objects.filter(provider=provider).count(),
              "documents": Document.objects.filter(provider=provider).count(),
              "shared": shared_documents(provider.pk).count()}
    return {"pages": results, "counts": counts}


STEPS = {"fixture": step_fixture, "documents": step_documents, "portal": step_portal}


# The orchestrator ------------------------------------------------------------------------


def run_step(name: str, env: dict, *extra: str) -> dict:
    completed = subprocess.run([PYTHON, __file__, "--step", name, *extra], env=env,
                               capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.exit(f"step {name} failed:\n{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def count_in(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    if found is None:
        sys.exit(f"no {pattern!r} in:\n{text}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--providers", type=int, default=50_000)
    parser.add_argument("--arrangements", type=int, default=200_000)
    parser.add_argument("--links", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--documents", type=int, default=5_000,
                        help="Document rows with tiny encrypted files, for the portal.")
    parser.add_argument("--uploads", type=int, default=200, help="PDFs uploaded and timed.")
    parser.add_argument("--keep", action="store_true",
                        help="Keep the data directory afterwards (to profile), and say where.")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--download", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](args)))
        return

    data_dir = Path(tempfile.mkdtemp(prefix="tether-bench-security-"))
    env = {**os.environ, "TETHER_DATA_DIR": str(data_dir),
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "bench")])}
    for name in ("DATABASE_URL", "TETHER_DOCUMENT_KEYS", "TETHER_DOCUMENTS_DIR"):
        env.pop(name, None)
    if args.postgres:
        env["DATABASE_URL"] = fresh_postgres("tether_bench_security")
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"Tether security benchmark on {engine}\n{machine()}\n", flush=True)
    try:
        generate_portfolio(args, env)
        fixture = run_step("fixture", env, "--requests", str(args.requests),
                           "--documents", str(args.documents))
        print(f"portal provider: {fixture['provider']} ({fixture['arrangements']:,} "
              f"arrangements), {fixture['requests']:,} requests, {fixture['documents']:,} "
              "document rows with tiny encrypted files\n", flush=True)

        documents = run_step("documents", env, "--uploads", str(args.uploads))
        print(f"{'upload through document_upload':<34} {'MB':>6} {'files':>6} "
              f"{'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8}")
        for row in documents["uploads"]:
            print(f"{row['label']:<34} {row['size_mb']:>6} {row['n']:>6} {row['p50_ms']:>8} "
                  f"{row['p95_ms']:>8} {row['cpu_p50_ms']:>8}")
        print(f"{args.uploads} PDFs: {documents['pdf_uploads_per_s']} uploads/s, "
              f"{documents['pdf_upload_mb_s']} MB/s\n")
        print(f"{'issue_copy (decrypt + watermark)':<34} {'MB':>6} {'copies':>6} "
              f"{'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'decrypt p50':>12}")
        for row in documents["copies"]:
            print(f"{row['label']:<34} {row['size_mb']:>6} {row['n']:>6} {row['p50_ms']:>8} "
                  f"{row['p95_ms']:>8} {row['cpu_p50_ms']:>8} {row['decrypt_p50_ms']:>12}")
        print(f"peak memory of the upload and copy process: {documents['peak_mb']} MB\n",
              flush=True)

        portal = run_step("portal", env, "--download", str(documents["download_pk"]))
        counts = portal["counts"]
        print(f"portal as {CONTACT}: {counts['requests']:,} requests, {counts['documents']:,} "
              f"documents of which {counts['shared']:,} shared with the provider")
        print(f"{'page':<48} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'CPU p50':>8}")
        for row in portal["pages"]:
            print(f"{row['page']:<48} {row['status']:>6} {row['queries']:>7} "
                  f"{row['p50_ms']:>8} {row['p95_ms']:>8} {row['cpu_p50_ms']:>8}")
        print(flush=True)

        startup = run_measured([*TETHER, "check"], env)
        print(f"start-up of a tether command (`tether check`: Python, Django, every app "
              f"imported): {startup['seconds']} s, CPU {startup['cpu_seconds']} s; included in "
              "each command's time below", flush=True)
        rotated = run_measured([*TETHER, "rotate_document_keys", "--new-key"], env)
        rekeyed = count_in(r"Re-encrypted (\d+) document", rotated["stdout"])
        print(f"rotate_document_keys --new-key: {rekeyed:,} documents in {rotated['seconds']} s "
              f"({rekeyed / rotated['seconds']:,.0f} documents/s), CPU {rotated['cpu_seconds']} s, "
              f"peak {rotated['peak_mb']} MB", flush=True)

        verified = run_measured([*TETHER, "audit", "verify"], env)
        entries = count_in(r"intact: (\d+) entries", verified["stdout"])
        print(f"audit verify: {entries:,} entries in {verified['seconds']} s "
              f"({entries / verified['seconds']:,.0f} entries/s), CPU {verified['cpu_seconds']} s, "
              f"peak {verified['peak_mb']} MB", flush=True)
        export_path = data_dir / "audit.jsonl"
        exported = run_measured([*TETHER, "audit", "export", "--format", "jsonl", "--output",
                                 str(export_path)], env)
        rows = count_in(r"Exported (\d+) audit entries", exported["stderr"])
        print(f"audit export (jsonl, {export_path.stat().st_size / 2**20:.0f} MB): {rows:,} rows "
              f"in {exported['seconds']} s ({rows / exported['seconds']:,.0f} rows/s), "
              f"CPU {exported['cpu_seconds']} s, peak {exported['peak_mb']} MB", flush=True)

        worst_list = max(r["p95_ms"] for r in portal["pages"] if r["kind"] == "list")
        worst_detail = max(r["p95_ms"] for r in portal["pages"] if r["kind"] == "detail")
        most_queries = max(r["queries"] for r in portal["pages"])
        print(f"\nportal: worst list p95 {worst_list} ms (target ≤ {TARGETS['list_p95_ms']}), "
              f"worst detail p95 {worst_detail} ms (target ≤ {TARGETS['detail_p95_ms']}), "
              f"most queries {most_queries} (target ≤ {TARGETS['queries']})")
        slowest = max(documents["copies"], key=lambda r: r["p95_ms"])
        print(f"slowest copy: {slowest['label']} p95 {slowest['p95_ms']} ms "
              f"(a download; detail target ≤ {TARGETS['detail_p95_ms']})")
    finally:
        if args.keep:
            print(f"\nkept TETHER_DATA_DIR={data_dir}"
                  + (f" DATABASE_URL={env['DATABASE_URL']}" if args.postgres else ""))
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
