"""PutBucketTagging, GetBucketTagging, DeleteBucketTagging and Put/GetBucketRequestPayment, as boto3 and the aws CLI
send them: tag sets stored and returned as put, every InvalidTag rule of S3, NoSuchTagSet, malformed documents, and
the request payer setting; a re-created bucket of the same name starts with neither.
"""

import json

import pytest

from s3util import assert_error_response, s3_error


def tags(*pairs):
    return {"TagSet": [{"Key": k, "Value": v} for k, v in pairs]}


def test_a_tag_set_is_stored_replaced_and_deleted(s3, bucket):
    with s3_error("NoSuchTagSet", 404):
        s3.get_bucket_tagging(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tags(("team", "storage"), ("cost center", "42/b+c=d"), ("empty", "")))
    got = s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
    assert got == [{"Key": "team", "Value": "storage"}, {"Key": "cost center", "Value": "42/b+c=d"},
                   {"Key": "empty", "Value": ""}]
    # A put replaces the whole set.
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tags(("한국어", "값 <&> \"quoted\"")))
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "한국어", "Value": "값 <&> \"quoted\""}]
    s3.delete_bucket_tagging(Bucket=bucket)
    with s3_error("NoSuchTagSet", 404):
        s3.get_bucket_tagging(Bucket=bucket)
    s3.delete_bucket_tagging(Bucket=bucket)  # deleting nothing is no error
    # An empty set is no set.
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": []})
    with s3_error("NoSuchTagSet", 404):
        s3.get_bucket_tagging(Bucket=bucket)


def test_the_limits_of_s3_are_invalid_tag_and_change_nothing(s3, bucket):
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tags(("keep", "me")))
    fifty = [(f"k{i}", "v") for i in range(50)]
    refused = [
        ([(f"k{i}", "v") for i in range(51)], "Bucket tag count cannot be greater than 50"),
        ([("dup", "1"), ("dup", "2")], "Cannot provide multiple Tags with the same key"),
        ([("k" * 129, "v")], "The TagKey you have provided is too long, max 128"),
        ([("k", "v" * 257)], "The TagValue you have provided is too long, max 256"),
        ([("aws:createdBy", "me")], "System tags cannot be added/updated by requester"),
    ]
    for pairs, message in refused:
        with s3_error("InvalidTag", 400) as info:
            s3.put_bucket_tagging(Bucket=bucket, Tagging=tags(*pairs))
        assert info.value.response["Error"]["Message"] == message
        assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "keep", "Value": "me"}]
    # The limits themselves are allowed: 50 tags, a key of 128 and a value of 256 characters (not bytes).
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tags(*fifty))
    assert len(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == 50
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tags(("가" * 128, "나" * 256)))
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "가" * 128, "Value": "나" * 256}]


@pytest.mark.parametrize("body", [
    b"",
    b"<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>",
    b"<Tagging><Tag><Key>a</Key><Value>b</Value></Tag></Tagging>",
    b"<NotTagging><TagSet/></NotTagging>",
    b"<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet>",
])
def test_a_malformed_document_is_malformed_xml(raw, bucket, body):
    assert_error_response(raw.request("PUT", f"/{bucket}", query="tagging", body=body), 400, "MalformedXML")


def test_an_empty_key_is_invalid_tag(raw, bucket):
    # boto3 refuses an empty key itself; S3 answers InvalidTag to a client that sends one.
    body = b"<Tagging><TagSet><Tag><Key></Key><Value>v</Value></Tag></TagSet></Tagging>"
    resp = raw.request("PUT", f"/{bucket}", query="tagging", body=body)
    assert_error_response(resp, 400, "InvalidTag")
    assert b"The TagKey you have provided is invalid" in resp.content


def test_tags_of_a_missing_bucket_and_other_methods(s3, raw, bucket):
    with s3_error("NoSuchBucket", 404):
        s3.get_bucket_tagging(Bucket="no-such-bucket-for-tags")
    with s3_error("NoSuchBucket", 404):
        s3.put_bucket_tagging(Bucket="no-such-bucket-for-tags", Tagging=tags(("a", "b")))
    assert_error_response(raw.request("POST", f"/{bucket}", query="tagging"), 405, "MethodNotAllowed")


def test_a_re_created_bucket_starts_without_tags_or_payer(s3, make_bucket):
    name = make_bucket("smoke-retag")
    s3.put_bucket_tagging(Bucket=name, Tagging=tags(("a", "b")))
    s3.put_bucket_request_payment(Bucket=name, RequestPaymentConfiguration={"Payer": "Requester"})
    s3.delete_bucket(Bucket=name)
    s3.create_bucket(Bucket=name)
    with s3_error("NoSuchTagSet", 404):
        s3.get_bucket_tagging(Bucket=name)
    assert s3.get_bucket_request_payment(Bucket=name)["Payer"] == "BucketOwner"


def test_the_aws_cli_tags_a_bucket(aws, bucket):
    aws("s3api", "put-bucket-tagging", "--bucket", bucket, "--tagging",
        json.dumps({"TagSet": [{"Key": "cli", "Value": "yes"}]}))
    got = json.loads(aws("s3api", "get-bucket-tagging", "--bucket", bucket).stdout)
    assert got["TagSet"] == [{"Key": "cli", "Value": "yes"}]
    aws("s3api", "delete-bucket-tagging", "--bucket", bucket)
    missing = aws("s3api", "get-bucket-tagging", "--bucket", bucket, check=False)
    assert missing.returncode != 0 and "NoSuchTagSet" in missing.stderr


def test_request_payment_is_stored_and_returned(s3, aws, raw, bucket):
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"
    s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"
    # The requester's consent is accepted (the owner pays for its own requests either way).
    s3.put_object(Bucket=bucket, Key="paid", Body=b"x", RequestPayer="requester")
    assert s3.get_object(Bucket=bucket, Key="paid", RequestPayer="requester")["Body"].read() == b"x"
    with s3_error("MalformedXML", 400):
        s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Nobody"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"
    aws("s3api", "put-bucket-request-payment", "--bucket", bucket,
        "--request-payment-configuration", json.dumps({"Payer": "BucketOwner"}))
    assert json.loads(aws("s3api", "get-bucket-request-payment", "--bucket", bucket).stdout)["Payer"] == "BucketOwner"
    assert_error_response(raw.request("DELETE", f"/{bucket}", query="requestPayment"), 405, "MethodNotAllowed")
