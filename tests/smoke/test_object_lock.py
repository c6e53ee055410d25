"""Object lock end to end with boto3: buckets created with object lock (versioning on for good), the configuration
and its default retention, retention and legal hold by version, the x-amz-object-lock-* headers of PUT, COPY and
multipart uploads, and their enforcement: GOVERNANCE bypassed only by x-amz-bypass-governance-retention, COMPLIANCE
never, a legal hold until removed; deletes without a version id still make delete markers."""

import datetime
import json
import time

import pytest
import requests

from s3util import assert_error_response, s3_error, unique_bucket_name


def in_seconds(seconds: int) -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)


@pytest.fixture
def locked(s3):
    name = unique_bucket_name("smoke-locked")
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    yield name
    # Versions under COMPLIANCE retention cannot be deleted: the tests keep theirs to seconds, then wait them out.
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
        for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
            try:
                s3.put_object_legal_hold(Bucket=name, Key=entry["Key"], VersionId=entry["VersionId"],
                                         LegalHold={"Status": "OFF"})
            except Exception:
                pass
            try:
                s3.delete_object(Bucket=name, Key=entry["Key"], VersionId=entry["VersionId"],
                                 BypassGovernanceRetention=True)
            except Exception:
                pass
    try:
        s3.delete_bucket(Bucket=name)
    except Exception:
        pass  # a COMPLIANCE version still retained: the bucket stays, as on S3


def test_a_locked_bucket_is_versioned_for_good(s3, locked, make_bucket, raw):
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == {"ObjectLockEnabled": "Enabled"}
    with s3_error("InvalidBucketState", 409):
        s3.put_bucket_versioning(Bucket=locked, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    config = s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]
    assert config["Rule"]["DefaultRetention"] == {"Mode": "GOVERNANCE", "Days": 1}
    for bad in ('<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>'
                '<Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years></DefaultRetention></Rule></ObjectLockConfiguration>',
                '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>'
                '<Mode>SOMETIMES</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>',
                '<ObjectLockConfiguration><Rule/></ObjectLockConfiguration>'):
        assert_error_response(raw.request("PUT", f"/{locked}", query="object-lock", body=bad.encode()), 400,
                              "MalformedXML")
    zero = ('<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>'
            '<Mode>GOVERNANCE</Mode><Days>0</Days></DefaultRetention></Rule></ObjectLockConfiguration>')
    assert_error_response(raw.request("PUT", f"/{locked}", query="object-lock", body=zero.encode()), 400,
                          "InvalidArgument")
    # A plain bucket: no configuration; lock needs versioning enabled first, then may be turned on.
    plain = make_bucket("smoke-unlocked")
    with s3_error("ObjectLockConfigurationNotFoundError", 404):
        s3.get_object_lock_configuration(Bucket=plain)
    with s3_error("InvalidBucketState", 409):
        s3.put_object_lock_configuration(Bucket=plain, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    with s3_error("InvalidRequest", 400):
        s3.put_object_retention(Bucket=plain, Key="k", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": in_seconds(60)})
    s3.put_bucket_versioning(Bucket=plain, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket=plain, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    assert s3.get_object_lock_configuration(Bucket=plain)["ObjectLockConfiguration"]["ObjectLockEnabled"] == "Enabled"


def test_governance_is_bypassed_only_when_asked(s3, locked):
    until = in_seconds(3600)
    version = s3.put_object(Bucket=locked, Key="gov", Body=b"keep", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=until)["VersionId"]
    head = s3.head_object(Bucket=locked, Key="gov")
    assert head["ObjectLockMode"] == "GOVERNANCE" and abs((head["ObjectLockRetainUntilDate"] - until).total_seconds()) < 1
    retention = s3.get_object_retention(Bucket=locked, Key="gov", VersionId=version)["Retention"]
    assert retention["Mode"] == "GOVERNANCE"
    with s3_error("AccessDenied", 403):
        s3.delete_object(Bucket=locked, Key="gov", VersionId=version)
    with s3_error("AccessDenied", 403):
        s3.put_object_retention(Bucket=locked, Key="gov", VersionId=version,
                                Retention={"Mode": "GOVERNANCE", "RetainUntilDate": in_seconds(60)})
    result = s3.delete_objects(Bucket=locked, Delete={"Objects": [{"Key": "gov", "VersionId": version}]})
    assert [(e["Key"], e["Code"]) for e in result["Errors"]] == [("gov", "AccessDenied")]
    # Without a version id: a delete marker, the version stays.
    assert s3.delete_object(Bucket=locked, Key="gov")["DeleteMarker"] is True
    assert s3.get_object(Bucket=locked, Key="gov", VersionId=version)["Body"].read() == b"keep"
    # Extending needs nothing; shortening and deleting need the bypass.
    s3.put_object_retention(Bucket=locked, Key="gov", VersionId=version,
                            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": in_seconds(7200)})
    s3.put_object_retention(Bucket=locked, Key="gov", VersionId=version, BypassGovernanceRetention=True,
                            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": in_seconds(60)})
    s3.delete_object(Bucket=locked, Key="gov", VersionId=version, BypassGovernanceRetention=True)
    with s3_error("NoSuchVersion", 404):
        s3.get_object(Bucket=locked, Key="gov", VersionId=version)


def test_compliance_is_never_bypassed_and_a_legal_hold_holds(s3, locked):
    version = s3.put_object(Bucket=locked, Key="comp", Body=b"c", ObjectLockMode="COMPLIANCE",
                            ObjectLockRetainUntilDate=in_seconds(4))["VersionId"]
    with s3_error("AccessDenied", 403):
        s3.delete_object(Bucket=locked, Key="comp", VersionId=version, BypassGovernanceRetention=True)
    with s3_error("AccessDenied", 403):
        s3.put_object_retention(Bucket=locked, Key="comp", VersionId=version, BypassGovernanceRetention=True,
                                Retention={"Mode": "GOVERNANCE", "RetainUntilDate": in_seconds(3600)})
    # Legal hold: on a version, blocks even an expired retention's delete until removed.
    held = s3.put_object(Bucket=locked, Key="held", Body=b"h", ObjectLockLegalHoldStatus="ON")["VersionId"]
    assert s3.get_object_legal_hold(Bucket=locked, Key="held")["LegalHold"]["Status"] == "ON"
    assert s3.head_object(Bucket=locked, Key="held")["ObjectLockLegalHoldStatus"] == "ON"
    with s3_error("AccessDenied", 403):
        s3.delete_object(Bucket=locked, Key="held", VersionId=held, BypassGovernanceRetention=True)
    s3.put_object_legal_hold(Bucket=locked, Key="held", VersionId=held, LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=locked, Key="held", VersionId=held)
    with s3_error("NoSuchObjectLockConfiguration", 404):
        s3.get_object_legal_hold(Bucket=locked, Key="comp", VersionId=version)
    # Once the COMPLIANCE date has passed, the version can go.
    time.sleep(5)
    s3.delete_object(Bucket=locked, Key="comp", VersionId=version)


def test_default_retention_copies_and_multipart(s3, locked):
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    version = s3.put_object(Bucket=locked, Key="dflt", Body=b"d")["VersionId"]
    head = s3.head_object(Bucket=locked, Key="dflt", VersionId=version)
    remaining = (head["ObjectLockRetainUntilDate"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    assert head["ObjectLockMode"] == "GOVERNANCE" and abs(remaining - 86400) < 120
    # A copy gets the request's lock, or the default: never the source's.
    copy = s3.copy_object(Bucket=locked, Key="copy", CopySource={"Bucket": locked, "Key": "dflt"},
                          ObjectLockLegalHoldStatus="ON")
    copied = s3.head_object(Bucket=locked, Key="copy", VersionId=copy["VersionId"])
    assert copied["ObjectLockLegalHoldStatus"] == "ON" and copied["ObjectLockMode"] == "GOVERNANCE"
    s3.put_object_legal_hold(Bucket=locked, Key="copy", VersionId=copy["VersionId"], LegalHold={"Status": "OFF"})
    # Multipart: the upload's lock headers reach the object.
    upload = s3.create_multipart_upload(Bucket=locked, Key="mp", ObjectLockMode="COMPLIANCE",
                                        ObjectLockRetainUntilDate=in_seconds(3))["UploadId"]
    part = s3.upload_part(Bucket=locked, Key="mp", UploadId=upload, PartNumber=1, Body=b"part")
    done = s3.complete_multipart_upload(Bucket=locked, Key="mp", UploadId=upload,
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert s3.get_object_retention(Bucket=locked, Key="mp", VersionId=done["VersionId"])["Retention"]["Mode"] == "COMPLIANCE"
    # Bad headers change nothing.
    with s3_error("InvalidArgument", 400):
        s3.put_object(Bucket=locked, Key="bad", Body=b"x", ObjectLockMode="GOVERNANCE")
    with s3_error("InvalidArgument", 400):
        s3.put_object(Bucket=locked, Key="bad", Body=b"x", ObjectLockMode="GOVERNANCE",
                      ObjectLockRetainUntilDate=in_seconds(-60))
    with s3_error("404", 404):
        s3.head_object(Bucket=locked, Key="bad")
    time.sleep(4)  # the COMPLIANCE upload's retention runs out before the fixture empties the bucket


def test_post_object_form_lock_fields(s3, locked, make_bucket):
    """A POST Object form's x-amz-object-lock-* fields are a PutObject's headers: honoured, checked the same way, and
    refused on a bucket without object lock; a refused form stores nothing."""
    until = in_seconds(3600).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    lock = {"x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-retain-until-date": until,
            "x-amz-object-lock-legal-hold": "ON"}

    def post(bucket, key, fields):
        presigned = s3.generate_presigned_post(Bucket=bucket, Key=key, Fields=fields,
                                               Conditions=[{name: value} for name, value in fields.items()],
                                               ExpiresIn=600)
        return requests.post(presigned["url"], data=presigned["fields"], files={"file": ("f", b"form")},
                             timeout=60, allow_redirects=False)

    response = post(locked, "form-locked", lock)
    assert response.status_code == 204, response.text
    version = response.headers["x-amz-version-id"]
    head = s3.head_object(Bucket=locked, Key="form-locked", VersionId=version)
    assert head["ObjectLockMode"] == "GOVERNANCE" and head["ObjectLockLegalHoldStatus"] == "ON"
    assert abs((head["ObjectLockRetainUntilDate"] - in_seconds(3600)).total_seconds()) < 60
    # Held: not even a GOVERNANCE bypass deletes it until the hold is removed.
    with s3_error("AccessDenied", 403):
        s3.delete_object(Bucket=locked, Key="form-locked", VersionId=version, BypassGovernanceRetention=True)
    s3.put_object_legal_hold(Bucket=locked, Key="form-locked", VersionId=version, LegalHold={"Status": "OFF"})
    with s3_error("AccessDenied", 403):
        s3.delete_object(Bucket=locked, Key="form-locked", VersionId=version)
    s3.delete_object(Bucket=locked, Key="form-locked", VersionId=version, BypassGovernanceRetention=True)

    # Mode without a date, an unknown mode, a past date, a bad legal hold: InvalidArgument, nothing stored.
    for fields in ({"x-amz-object-lock-mode": "GOVERNANCE"},
                   {"x-amz-object-lock-mode": "SOMETIMES", "x-amz-object-lock-retain-until-date": until},
                   {"x-amz-object-lock-mode": "COMPLIANCE",
                    "x-amz-object-lock-retain-until-date": "2001-01-01T00:00:00.000Z"},
                   {"x-amz-object-lock-legal-hold": "MAYBE"}):
        response = post(locked, "form-bad", fields)
        assert response.status_code == 400 and "<Code>InvalidArgument</Code>" in response.text, (fields, response.text)
    with s3_error("404", 404):
        s3.head_object(Bucket=locked, Key="form-bad")
    # A bucket without object lock: InvalidRequest, as for a PUT.
    plain = make_bucket("smoke-form-unlocked")
    response = post(plain, "form-unlocked", {"x-amz-object-lock-legal-hold": "ON"})
    assert response.status_code == 400 and "<Code>InvalidRequest</Code>" in response.text, response.text
    with s3_error("404", 404):
        s3.head_object(Bucket=plain, Key="form-unlocked")
    # The bucket's default retention applies to a form without lock fields, as to a PUT.
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    response = post(locked, "form-default", {})
    assert response.status_code == 204, response.text
    assert s3.head_object(Bucket=locked, Key="form-default")["ObjectLockMode"] == "GOVERNANCE"


def test_the_aws_cli_locks_holds_and_bypasses(aws, s3, locked):
    """Every object lock operation through the aws CLI: the configuration, retention and legal hold by version, and
    a GOVERNANCE delete that succeeds only with --bypass-governance-retention."""
    aws("s3api", "put-object-lock-configuration", "--bucket", locked, "--object-lock-configuration",
        json.dumps({"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}))
    got = json.loads(aws("s3api", "get-object-lock-configuration", "--bucket", locked).stdout)
    assert got["ObjectLockConfiguration"]["Rule"]["DefaultRetention"] == {"Mode": "GOVERNANCE", "Days": 1}
    put = json.loads(aws("s3api", "put-object", "--bucket", locked, "--key", "cli", "--object-lock-legal-hold-status",
                         "ON").stdout)
    version = put["VersionId"]
    hold = json.loads(aws("s3api", "get-object-legal-hold", "--bucket", locked, "--key", "cli", "--version-id",
                          version).stdout)
    assert hold["LegalHold"]["Status"] == "ON"
    aws("s3api", "put-object-legal-hold", "--bucket", locked, "--key", "cli", "--version-id", version, "--legal-hold",
        "Status=OFF")
    # The default gave the version a day of GOVERNANCE: extending it needs nothing, shortening it the bypass.
    aws("s3api", "put-object-retention", "--bucket", locked, "--key", "cli", "--version-id", version, "--retention",
        json.dumps({"Mode": "GOVERNANCE", "RetainUntilDate": "2030-01-01T00:00:00Z"}))
    until = in_seconds(2 * 86400).strftime("%Y-%m-%dT%H:%M:%SZ")
    refused = aws("s3api", "put-object-retention", "--bucket", locked, "--key", "cli", "--version-id", version,
                  "--retention", json.dumps({"Mode": "GOVERNANCE", "RetainUntilDate": until}), check=False)
    assert refused.returncode != 0 and "AccessDenied" in refused.stderr, refused.stderr
    aws("s3api", "put-object-retention", "--bypass-governance-retention", "--bucket", locked, "--key", "cli",
        "--version-id", version, "--retention", json.dumps({"Mode": "GOVERNANCE", "RetainUntilDate": until}))
    retention = json.loads(aws("s3api", "get-object-retention", "--bucket", locked, "--key", "cli", "--version-id",
                               version).stdout)["Retention"]
    assert retention["Mode"] == "GOVERNANCE" and retention["RetainUntilDate"].startswith(until[:16])
    refused = aws("s3api", "delete-object", "--bucket", locked, "--key", "cli", "--version-id", version, check=False)
    assert refused.returncode != 0 and "AccessDenied" in refused.stderr, refused.stderr
    aws("s3api", "delete-object", "--bucket", locked, "--key", "cli", "--version-id", version,
        "--bypass-governance-retention")
    listing = json.loads(aws("s3api", "list-object-versions", "--bucket", locked, "--prefix", "cli").stdout)
    assert version not in json.dumps(listing)
