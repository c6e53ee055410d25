"""Object tagging as boto3 and the aws CLI use it: Put/Get/DeleteObjectTagging (also with versionId=null),
x-amz-tagging on PutObject, CreateMultipartUpload and CopyObject (x-amz-tagging-directive COPY or REPLACE),
x-amz-tagging-count on GET and HEAD, S3's limits (10 tags) as InvalidTag, and what is refused.
"""

import json

from s3util import assert_error_response, s3_error


def tag_set(s3, bucket, key, **kwargs):
    return {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=bucket, Key=key, **kwargs)["TagSet"]}


def test_tags_given_with_put_are_counted_read_replaced_and_deleted(s3, bucket):
    s3.put_object(Bucket=bucket, Key="tags/a", Body=b"a", Tagging="project=ksan&team=storage%20ops&empty=")
    assert tag_set(s3, bucket, "tags/a") == {"project": "ksan", "team": "storage ops", "empty": ""}
    assert s3.head_object(Bucket=bucket, Key="tags/a")["ResponseMetadata"]["HTTPHeaders"]["x-amz-tagging-count"] == "3"
    got = s3.get_object(Bucket=bucket, Key="tags/a")
    assert got["TagCount"] == 3 and got["Body"].read() == b"a"
    assert "x-amz-tagging" not in got["ResponseMetadata"]["HTTPHeaders"]
    # PutObjectTagging replaces the set; the object is otherwise unchanged.
    etag = s3.head_object(Bucket=bucket, Key="tags/a")["ETag"]
    s3.put_object_tagging(Bucket=bucket, Key="tags/a", Tagging={"TagSet": [{"Key": "k/é", "Value": "v=1&2"}]})
    assert tag_set(s3, bucket, "tags/a") == {"k/é": "v=1&2"}
    assert tag_set(s3, bucket, "tags/a", VersionId="null") == {"k/é": "v=1&2"}
    assert s3.head_object(Bucket=bucket, Key="tags/a")["ETag"] == etag
    s3.delete_object_tagging(Bucket=bucket, Key="tags/a")
    assert tag_set(s3, bucket, "tags/a") == {}
    assert "x-amz-tagging-count" not in s3.head_object(Bucket=bucket, Key="tags/a")["ResponseMetadata"]["HTTPHeaders"]
    # An overwrite without tags has none.
    s3.put_object(Bucket=bucket, Key="tags/b", Body=b"b", Tagging="x=1")
    s3.put_object(Bucket=bucket, Key="tags/b", Body=b"b2")
    assert tag_set(s3, bucket, "tags/b") == {}


def test_copy_follows_the_tagging_directive(s3, bucket):
    s3.put_object(Bucket=bucket, Key="tags/src", Body=b"s", Tagging="origin=src")
    s3.copy_object(Bucket=bucket, Key="tags/copy", CopySource={"Bucket": bucket, "Key": "tags/src"})
    assert tag_set(s3, bucket, "tags/copy") == {"origin": "src"}
    s3.copy_object(Bucket=bucket, Key="tags/replaced", CopySource={"Bucket": bucket, "Key": "tags/src"},
                   TaggingDirective="REPLACE", Tagging="origin=copy&n=2")
    assert tag_set(s3, bucket, "tags/replaced") == {"origin": "copy", "n": "2"}
    s3.copy_object(Bucket=bucket, Key="tags/none", CopySource={"Bucket": bucket, "Key": "tags/src"},
                   TaggingDirective="REPLACE")
    assert tag_set(s3, bucket, "tags/none") == {}
    # The metadata directive does not touch the tags.
    s3.copy_object(Bucket=bucket, Key="tags/meta", CopySource={"Bucket": bucket, "Key": "tags/src"},
                   MetadataDirective="REPLACE", Metadata={"m": "1"})
    assert tag_set(s3, bucket, "tags/meta") == {"origin": "src"}
    with s3_error("InvalidArgument", 400):
        s3.copy_object(Bucket=bucket, Key="tags/bad", CopySource={"Bucket": bucket, "Key": "tags/src"},
                       TaggingDirective="MERGE")


def test_a_multipart_upload_keeps_its_tags(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="tags/mpu", Tagging="kind=multipart")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="tags/mpu", UploadId=upload, PartNumber=1, Body=b"p" * 1024)
    s3.complete_multipart_upload(Bucket=bucket, Key="tags/mpu", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert tag_set(s3, bucket, "tags/mpu") == {"kind": "multipart"}


def test_limits_and_refusals_change_nothing(s3, raw, bucket):
    s3.put_object(Bucket=bucket, Key="tags/limits", Body=b"l", Tagging="keep=me")
    eleven = {"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(11)]}
    with s3_error("InvalidTag", 400) as info:
        s3.put_object_tagging(Bucket=bucket, Key="tags/limits", Tagging=eleven)
    assert info.value.response["Error"]["Message"] == "Object tag count cannot be greater than 10"
    with s3_error("InvalidTag", 400):
        s3.put_object_tagging(Bucket=bucket, Key="tags/limits",
                              Tagging={"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]})
    with s3_error("InvalidTag", 400):
        s3.put_object(Bucket=bucket, Key="tags/limits", Body=b"new", Tagging="&".join(f"k{i}=v" for i in range(11)))
    with s3_error("InvalidTag", 400):
        s3.put_object(Bucket=bucket, Key="tags/limits", Body=b"new", Tagging="aws:x=1")
    with s3_error("InvalidArgument", 400):
        s3.put_object(Bucket=bucket, Key="tags/limits", Body=b"new", Tagging="bad=%zz")
    assert s3.get_object(Bucket=bucket, Key="tags/limits")["Body"].read() == b"l"
    assert tag_set(s3, bucket, "tags/limits") == {"keep": "me"}
    with s3_error("NoSuchKey", 404):
        s3.get_object_tagging(Bucket=bucket, Key="tags/missing")
    with s3_error("NoSuchKey", 404):
        s3.put_object_tagging(Bucket=bucket, Key="tags/missing", Tagging={"TagSet": []})
    with s3_error("NoSuchVersion", 404):
        s3.get_object_tagging(Bucket=bucket, Key="tags/limits", VersionId="3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY")
    assert_error_response(raw.request("PUT", f"/{bucket}/tags/limits", query="tagging", body=b"<Tagging/>"), 400,
                          "MalformedXML")
    assert_error_response(raw.request("POST", f"/{bucket}/tags/limits", query="tagging"), 405, "MethodNotAllowed")


def test_the_aws_cli_tags_an_object(aws, s3, bucket, tmp_path):
    s3.put_object(Bucket=bucket, Key="tags/cli", Body=b"c")
    aws("s3api", "put-object-tagging", "--bucket", bucket, "--key", "tags/cli", "--tagging",
        json.dumps({"TagSet": [{"Key": "cli", "Value": "yes"}]}))
    got = json.loads(aws("s3api", "get-object-tagging", "--bucket", bucket, "--key", "tags/cli").stdout)
    assert got["TagSet"] == [{"Key": "cli", "Value": "yes"}]
    body = tmp_path / "body"
    body.write_bytes(b"cli")
    aws("s3api", "put-object", "--bucket", bucket, "--key", "tags/cli2", "--body", str(body), "--tagging", "a=b")
    assert tag_set(s3, bucket, "tags/cli2") == {"a": "b"}
