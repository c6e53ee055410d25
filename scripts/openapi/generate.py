#!/usr/bin/env python3
"""Generates Sources/KSANPortal/Routes/OpenAPIDocument.swift, the OpenAPI 3 document of the portal's /api/v1.

    python3 scripts/openapi/generate.py           rewrite the Swift file
    python3 scripts/openapi/generate.py --check   exit 1 (with a short diff) if the Swift file is not what this writes

The document is built below as Python data and written as json.dumps(doc, sort_keys=True, indent=1), indented by
8 spaces inside a Swift raw string. Standard library only.
"""

import argparse
import difflib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "Sources/KSANPortal/Routes/OpenAPIDocument.swift"

SWIFT_HEADER = '''\
/// The OpenAPI 3 document of `/api/v1`, served at `/api/v1/openapi.json`. Tests validate it
/// (openapi-spec-validator), check it against the route table, and fuzz the running portal against it
/// (schemathesis).
public enum OpenAPIDocument {
    public static let json = #"""
'''
SWIFT_FOOTER = '''
        """#
}
'''
INDENT = " " * 8

# ------------------------------------------------------------------------------------------------------ helpers


def ref(name, kind="schemas"):
    """A `$ref` to #/components/<kind>/<name>."""
    return {"$ref": f"#/components/{kind}/{name}"}


def schema_of(schema):
    """A schema given as a component name (a `$ref` to it) or as a schema dict (used as is)."""
    return ref(schema) if isinstance(schema, str) else schema


def json_content(schema):
    """An `application/json` content block."""
    return {"application/json": {"schema": schema_of(schema)}}


def json_response(schema, status="200"):
    """A JSON response (200 by default, 201 for a create) whose body is `schema`."""
    return {status: {"content": json_content(schema), "description": "OK"}}


def item_list(schema):
    """The `{"items": [...]}` wrapper every list endpoint returns."""
    return {
        "additionalProperties": False,
        "properties": {"items": {"items": schema_of(schema), "type": "array"}},
        "required": ["items"],
        "type": "object",
    }


def no_content():
    """The 204 of a delete."""
    return {"204": {"description": "Done"}}


def json_body(schema):
    """A required JSON request body."""
    return {"content": json_content(schema), "required": True}


def path_param(name):
    """A string path parameter, as a components/parameters entry."""
    return {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}


def param(name):
    """A `$ref` to the path parameter components/parameters/<name>."""
    return ref(name, "parameters")


def error_response(description):
    """A components/responses entry: an Error body."""
    return {"content": json_content("Error"), "description": description}


# Error name -> (status, components/responses entry it refers to). A body too large is reported as a BadRequest.
ERRORS = {
    "BadRequest": ("400", "BadRequest"),
    "Unauthorized": ("401", "Unauthorized"),
    "NotFound": ("404", "NotFound"),
    "Conflict": ("409", "Conflict"),
    "PayloadTooLarge": ("413", "BadRequest"),
    "ServiceUnavailable": ("503", "ServiceUnavailable"),
}


def errors(*names):
    """The `$ref` error responses of the named errors, e.g. errors("BadRequest", "NotFound")."""
    return {ERRORS[n][0]: ref(ERRORS[n][1], "responses") for n in names}


def op(op_id, summary, responses, *, params=(), body=None, errs=(), public=False):
    """An operation. Unauthorized is added unless `public` (no key needed), BadRequest and PayloadTooLarge when it
    takes a `body` (a schema name); `errs` names the other errors it can return."""
    names = list(errs)
    if not public:
        names.append("Unauthorized")
    if body is not None:
        names += ["BadRequest", "PayloadTooLarge"]
    result = {"operationId": op_id, "responses": {**responses, **errors(*names)}, "summary": summary}
    if params:
        result["parameters"] = [param(p) for p in params]
    if body is not None:
        result["requestBody"] = json_body(body)
    if public:
        result["security"] = []
    return result


def list_op(op_id, summary, schema, *, params=(), errs=()):
    """GET of a collection: 200 with an ItemList of `schema`."""
    return op(op_id, summary, json_response(item_list(schema)), params=params, errs=errs)


def get_op(op_id, summary, schema, param_name, *, errs=("NotFound",)):
    """GET of one resource by its path parameter: 200 `schema`, 404."""
    return op(op_id, summary, json_response(schema), params=[param_name], errs=errs)


def create_op(op_id, summary, body, schema, *, params=(), errs=("Conflict",)):
    """POST of a `body`: 201 `schema` (400/413 for the body, 409 by default)."""
    return op(op_id, summary, json_response(schema, "201"), params=params, body=body, errs=errs)


def update_op(op_id, summary, param_name, body, schema, *, errs=("NotFound",)):
    """PATCH of one resource with a `body`: 200 `schema`, 404 (400/413 for the body)."""
    return op(op_id, summary, json_response(schema), params=[param_name], body=body, errs=errs)


def delete_op(op_id, summary, param_name, *, errs=("NotFound", "Conflict")):
    """DELETE of one resource: 204, 404 and 409 by default."""
    return op(op_id, summary, no_content(), params=[param_name], errs=errs)


# ------------------------------------------------------------------------------------------------------ schemas

STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
INT64 = {"format": "int64", "type": "integer"}
DATE_TIME = {"format": "date-time", "type": "string"}
STRINGS = {"items": {"type": "string"}, "type": "array"}
# An identifier a client chooses (server, disk and pool ids).
NEW_ID = {"maxLength": 64, "minLength": 1, "pattern": "^[A-Za-z0-9._-]+$", "type": "string"}
# A display name: 1 to 64 characters, no control characters.
NEW_NAME = {"maxLength": 64, "minLength": 1, "pattern": r"^[^\u0000-\u001F\u007F-\u009F]+$", "type": "string"}
DISK_STATE = {"enum": ["Good", "Weak", "Bad", "Disabled"], "type": "string"}
DISK_MODE = {"enum": ["ReadWrite", "ReadOnly", "Maintenance"], "type": "string"}
BYTE = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]?)"  # 1...255
PORT = "(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"  # 1...65535

# The classes of S3 an operator may map to a pool (STANDARD is each bucket's own).
STORAGE_CLASSES = [
    "DEEP_ARCHIVE",
    "EXPRESS_ONEZONE",
    "GLACIER",
    "GLACIER_IR",
    "INTELLIGENT_TIERING",
    "ONEZONE_IA",
    "OUTPOSTS",
    "REDUCED_REDUNDANCY",
    "SNOW",
    "STANDARD_IA",
]

SCHEMAS = {
    "APIKey": {
        "additionalProperties": False,
        "properties": {"createdAt": DATE_TIME, "id": STRING, "name": STRING},
        "required": ["id", "name", "createdAt"],
        "type": "object",
    },
    "AccessKey": {
        "additionalProperties": False,
        "properties": {"accessKeyId": STRING, "createdAt": DATE_TIME, "enabled": BOOLEAN, "userId": STRING},
        "required": ["accessKeyId", "userId", "enabled", "createdAt"],
        "type": "object",
    },
    "Bucket": {
        "additionalProperties": False,
        "properties": {
            "bytes": INT64,
            "createdAt": DATE_TIME,
            "id": STRING,
            "name": STRING,
            "objectCount": INT64,
            "ownerId": STRING,
            "ownerName": STRING,
            "poolId": STRING,
            "region": STRING,
        },
        "required": ["name", "id", "ownerId", "ownerName", "poolId", "region", "createdAt", "objectCount", "bytes"],
        "type": "object",
    },
    "CreateAPIKey": {
        "additionalProperties": False,
        "properties": {"name": NEW_NAME},
        "required": ["name"],
        "type": "object",
    },
    "CreateDisk": {
        "additionalProperties": False,
        "properties": {"id": NEW_ID, "serverId": STRING},
        "required": ["id", "serverId"],
        "type": "object",
    },
    "CreatePool": {
        "additionalProperties": False,
        "oneOf": [{"required": ["ec"]}, {"required": ["replicas"]}],
        "properties": {
            "default": BOOLEAN,
            "disks": {"items": {"type": "string"}, "minItems": 1, "type": "array"},
            "ec": {"pattern": f"^{BYTE}\\+{BYTE}$", "type": "string"},
            "failureDomain": {"enum": ["host", "rack"], "type": "string"},
            "id": NEW_ID,
            "replicas": {"maximum": 255, "minimum": 1, "type": "integer"},
        },
        "required": ["id", "disks"],
        "type": "object",
    },
    "CreateServer": {
        "additionalProperties": False,
        "properties": {
            "endpoint": {"pattern": f"^https?://[A-Za-z0-9.-]+(:{PORT})?/?$", "type": "string"},
            "id": NEW_ID,
            "rack": NEW_ID,
        },
        "required": ["id", "endpoint"],
        "type": "object",
    },
    "CreateUser": {
        "additionalProperties": False,
        "properties": {"name": NEW_NAME},
        "required": ["name"],
        "type": "object",
    },
    "CreatedAPIKey": {
        "additionalProperties": False,
        "properties": {"createdAt": DATE_TIME, "id": STRING, "key": STRING, "name": STRING},
        "required": ["id", "name", "key", "createdAt"],
        "type": "object",
    },
    "CreatedAccessKey": {
        "additionalProperties": False,
        "properties": {
            "accessKeyId": STRING,
            "createdAt": DATE_TIME,
            "enabled": BOOLEAN,
            "secretKey": STRING,
            "userId": STRING,
        },
        "required": ["accessKeyId", "secretKey", "userId", "enabled", "createdAt"],
        "type": "object",
    },
    "Disk": {
        "additionalProperties": False,
        "properties": {
            "capacityBytes": INT64,
            "full": BOOLEAN,
            "id": STRING,
            "mode": DISK_MODE,
            "pools": STRINGS,
            "serverId": STRING,
            "state": DISK_STATE,
            "usedBytes": INT64,
        },
        "required": ["id", "serverId", "state", "mode", "full", "pools"],
        "type": "object",
    },
    "Error": {
        "additionalProperties": False,
        "properties": {
            "error": {
                "additionalProperties": False,
                "properties": {"code": STRING, "message": STRING},
                "required": ["code", "message"],
                "type": "object",
            }
        },
        "required": ["error"],
        "type": "object",
    },
    "Pool": {
        "additionalProperties": False,
        "properties": {
            "disks": STRINGS,
            "failureDomain": {"enum": ["host", "rack"], "type": "string"},
            "id": STRING,
            "isDefault": BOOLEAN,
            "k": INT64,
            "kind": {"enum": ["erasure", "replicated"], "type": "string"},
            "m": INT64,
            "rebalanceSince": DATE_TIME,
            "replicas": INT64,
        },
        "required": ["kind", "id", "isDefault", "failureDomain", "disks"],
        "type": "object",
    },
    "Queues": {
        "additionalProperties": False,
        "properties": {
            "garbage": INT64,
            "outbox": {
                "additionalProperties": False,
                "properties": {"oldestAgeSeconds": {"type": "number"}, "pending": INT64},
                "required": ["pending", "oldestAgeSeconds"],
                "type": "object",
            },
            "repair": INT64,
        },
        "required": ["repair", "garbage", "outbox"],
        "type": "object",
    },
    "Server": {
        "additionalProperties": False,
        "properties": {
            "disks": STRINGS, "endpoint": STRING, "id": STRING, "rack": STRING, "services": STRINGS,
            "state": {"enum": ["Online", "Offline"], "type": "string"},
            "stateHeld": {"type": "boolean"},
            "stateSince": DATE_TIME,
        },
        "required": ["id", "endpoint", "disks", "services", "state", "stateHeld"],
        "type": "object",
    },
    "Service": {
        "additionalProperties": False,
        "properties": {
            "endpoint": STRING,
            "id": STRING,
            "kind": {"enum": ["gateway", "osd", "metadata", "portal", "worker"], "type": "string"},
            "lastHeartbeat": DATE_TIME,
            "serverId": STRING,
            "startedAt": DATE_TIME,
            "state": {"enum": ["Online", "Offline", "Timeout"], "type": "string"},
            "version": STRING,
        },
        "required": ["id", "kind", "endpoint", "version", "state", "startedAt", "lastHeartbeat"],
        "type": "object",
    },
    "Status": {
        "additionalProperties": False,
        "properties": {
            "buckets": INT64,
            "bytes": INT64,
            "capacityBytes": INT64,
            "defaultPool": STRING,
            "disks": INT64,
            "health": {"enum": ["OK", "DEGRADED"], "type": "string"},
            "objects": INT64,
            "pools": INT64,
            "queues": ref("Queues"),
            "rebuild": {
                "additionalProperties": False,
                "properties": {
                    "bytesPerSecond": {"type": "number"},
                    "bytesRemaining": INT64,
                    "dataMovedLately": INT64,
                    "dataRemaining": INT64,
                    "disks": STRINGS,
                    "etaSeconds": {"type": "number"},
                },
                "required": ["disks", "dataRemaining", "bytesRemaining", "dataMovedLately", "bytesPerSecond"],
                "type": "object",
            },
            "rebalance": {
                "items": {
                    "additionalProperties": False,
                    "properties": {
                        "bytesToMove": INT64,
                        "etaSeconds": {"type": "number"},
                        "leastLoaded": INT64,
                        "mostLoaded": INT64,
                        "pool": STRING,
                        "since": DATE_TIME,
                    },
                    "required": ["pool", "since", "bytesToMove", "leastLoaded", "mostLoaded"],
                    "type": "object",
                },
                "type": "array",
            },
            "servers": INT64,
            "services": {
                "additionalProperties": False,
                "properties": {"offline": INT64, "online": INT64, "timeout": INT64},
                "required": ["online", "offline", "timeout"],
                "type": "object",
            },
            "usedBytes": INT64,
            "users": INT64,
            "warnings": STRINGS,
        },
        "required": [
            "servers",
            "disks",
            "pools",
            "users",
            "buckets",
            "objects",
            "bytes",
            "capacityBytes",
            "usedBytes",
            "services",
            "health",
            "warnings",
            "queues",
            "rebuild",
            "rebalance",
        ],
        "type": "object",
    },
    "UpdateAccessKey": {
        "additionalProperties": False,
        "properties": {"enabled": BOOLEAN},
        "required": ["enabled"],
        "type": "object",
    },
    "UpdateDisk": {
        "additionalProperties": False,
        "minProperties": 1,
        "properties": {"mode": DISK_MODE, "state": DISK_STATE},
        "type": "object",
    },
    "UpdateServer": {
        "additionalProperties": False,
        "minProperties": 1,
        "properties": {
            "rack": {"maxLength": 64, "pattern": "^[A-Za-z0-9._-]*$", "type": "string"},
            "state": {"enum": ["Online", "Offline"], "type": "string"},
        },
        "type": "object",
    },
    "UpdatePool": {
        "additionalProperties": False,
        "minProperties": 1,
        "properties": {
            "default": {"enum": [True], "type": "boolean"},
            "disks": {"items": NEW_ID, "maxItems": 255, "minItems": 1, "type": "array", "uniqueItems": True},
        },
        "type": "object",
    },
    "CreateUserToken": {
        "additionalProperties": False,
        "properties": {"ttlSeconds": {"maximum": 2592000, "minimum": 60, "type": "integer"}},
        "type": "object",
    },
    "CreateJoinToken": {
        "additionalProperties": False,
        "properties": {
            "description": {"maxLength": 64, "pattern": r"^[^\u0000-\u001F\u007F-\u009F]*$", "type": "string"},
            "ttlSeconds": {"maximum": 604800, "minimum": 60, "type": "integer"},
            "uses": {"maximum": 1000, "minimum": 1, "type": "integer"},
        },
        "type": "object",
    },
    "CreatedJoinToken": {
        "additionalProperties": False,
        "properties": {
            "description": STRING,
            "expiresAt": DATE_TIME,
            "id": STRING,
            "token": STRING,
            "usesLeft": {"type": "integer"},
        },
        "required": ["id", "token", "description", "expiresAt", "usesLeft"],
        "type": "object",
    },
    "JoinToken": {
        "additionalProperties": False,
        "properties": {
            "createdAt": DATE_TIME,
            "description": STRING,
            "expiresAt": DATE_TIME,
            "hosts": STRINGS,
            "id": STRING,
            "usesLeft": {"type": "integer"},
        },
        "required": ["id", "description", "createdAt", "expiresAt", "usesLeft", "hosts"],
        "type": "object",
    },
    "Join": {
        "additionalProperties": False,
        "properties": {"hostId": NEW_ID, "token": STRING},
        "required": ["token", "hostId"],
        "type": "object",
    },
    "JoinAnswer": {
        "additionalProperties": False,
        "properties": {"amqpUrl": STRING, "clusterKey": STRING, "metadataUrl": STRING},
        "required": ["clusterKey", "metadataUrl"],
        "type": "object",
    },
    "CreatedUserToken": {
        "additionalProperties": False,
        "properties": {"expiresAt": DATE_TIME, "token": STRING, "userId": STRING},
        "required": ["token", "userId", "expiresAt"],
        "type": "object",
    },
    "Settings": {
        "additionalProperties": False,
        "properties": {
            "comment": STRING,
            "createdAt": DATE_TIME,
            "kind": STRING,
            "liveKeys": {"additionalProperties": STRING, "type": "object"},
            "settings": {"additionalProperties": STRING, "type": "object"},
            "version": INT64,
        },
        "required": ["kind", "version", "settings", "liveKeys"],
        "type": "object",
    },
    "SetSettings": {
        "additionalProperties": False,
        "properties": {
            "comment": NEW_NAME,
            "settings": {
                "additionalProperties": False,
                "properties": {
                    "log-level": {
                        "enum": ["trace", "debug", "info", "notice", "warning", "error", "critical"],
                        "type": "string",
                    }
                },
                "type": "object",
            },
        },
        "required": ["settings"],
        "type": "object",
    },
    "RollbackSettings": {
        "additionalProperties": False,
        "properties": {"version": {"maximum": 2147483647, "minimum": 1, "type": "integer"}},
        "required": ["version"],
        "type": "object",
    },
    "StorageClass": {
        "additionalProperties": False,
        "properties": {"name": STRING, "poolId": STRING},
        "required": ["name", "poolId"],
        "type": "object",
    },
    "SetStorageClass": {
        "additionalProperties": False,
        "properties": {"pool": STRING},
        "required": ["pool"],
        "type": "object",
    },
    "Zone": {
        "additionalProperties": False,
        "properties": {"createdAt": DATE_TIME, "endpoint": STRING, "name": STRING},
        "required": ["name", "endpoint", "createdAt"],
        "type": "object",
    },
    "CreateZone": {
        "additionalProperties": False,
        "properties": {
            "endpoint": {"pattern": f"^https?://[A-Za-z0-9.-]+(:{PORT})?(/[A-Za-z0-9._~-]*)*$", "type": "string"},
            "name": NEW_ID,
        },
        "required": ["name", "endpoint"],
        "type": "object",
    },
    "User": {
        "additionalProperties": False,
        "properties": {
            "bucketCount": INT64,
            "createdAt": DATE_TIME,
            "displayName": STRING,
            "id": STRING,
            "keyCount": INT64,
        },
        "required": ["id", "displayName", "createdAt", "keyCount", "bucketCount"],
        "type": "object",
    },
}

# ------------------------------------------------------------------------------------------------------ paths

HEALTH = {"properties": {"status": {"enum": ["ok"], "type": "string"}}, "required": ["status"], "type": "object"}

PATHS = {
    "/health": {"get": op("health", "Liveness (no key needed)", json_response(HEALTH), public=True)},
    "/openapi.json": {
        "get": op("openapi", "This document (no key needed)", json_response({"type": "object"}), public=True)
    },
    "/status": {"get": op("getStatus", "The one-screen summary", json_response("Status"))},
    # API keys of the portal
    "/api-keys": {
        "get": list_op("listAPIKeys", "The portal's API keys (without secrets)", "APIKey"),
        "post": create_op("createAPIKey", "Create an API key (shown once)", "CreateAPIKey", "CreatedAPIKey", errs=()),
    },
    "/api-keys/{id}": {"delete": delete_op("deleteAPIKey", "Delete an API key (not the last one)", "id")},
    # Servers
    "/servers": {
        "get": list_op("listServers", "List servers", "Server"),
        "post": create_op("createServer", "Add a server", "CreateServer", "Server"),
    },
    "/servers/{id}": {
        "get": get_op("getServer", "A server", "Server", "id"),
        "patch": update_op(
            "updateServer", "Move a server to a rack (\"\": out of any), or hold it Offline (Online: back to its heartbeats)",
            "id", "UpdateServer", "Server",
            errs=("NotFound", "Conflict"),
        ),
        "delete": delete_op("deleteServer", "Remove a server without disks", "id"),
    },
    # Disks
    "/disks": {
        "get": list_op("listDisks", "List disks", "Disk"),
        "post": create_op("createDisk", "Add a disk to a server", "CreateDisk", "Disk", errs=("NotFound", "Conflict")),
    },
    "/disks/{id}": {
        "get": get_op("getDisk", "A disk", "Disk", "id"),
        "patch": update_op("updateDisk", "Set a disk's state or mode", "id", "UpdateDisk", "Disk"),
        "delete": delete_op("deleteDisk", "Remove a disk no pool lists and that holds no shard", "id"),
    },
    # Pools
    "/pools": {
        "get": list_op("listPools", "List disk pools", "Pool"),
        "post": create_op(
            "createPool", "Create a pool (refused if it could lose data with one failure domain down)", "CreatePool", "Pool"
        ),
    },
    "/pools/{id}": {
        "get": get_op("getPool", "A disk pool", "Pool", "id"),
        "patch": update_op(
            "updatePool",
            "Make a pool the default, or set its disks (a disk left out must hold none of its shards)",
            "id",
            "UpdatePool",
            "Pool",
            errs=("NotFound", "Conflict"),
        ),
        "delete": delete_op("deletePool", "Remove a pool nothing uses", "id"),
    },
    "/pools/{id}/rebalance": {
        "post": op(
            "startRebalance",
            "Spread the pool's stored shards evenly over its disks (the workers do it, at rebalance-rate)",
            json_response("Pool", "202"),
            params=["id"],
            errs=("NotFound",),
        ),
        "delete": delete_op("stopRebalance", "Stop the pool's rebalance", "id", errs=("NotFound",)),
    },
    # Live settings, versioned
    "/config/{kind}": {
        "get": get_op(
            "getSettings", "The current live settings of a kind of service", "Settings", "kind", errs=("BadRequest",)
        ),
        "put": op(
            "setSettings",
            "Save a new version of a kind's live settings (pushed to its services)",
            json_response("Settings"),
            params=["kind"],
            body="SetSettings",
        ),
    },
    "/config/{kind}/history": {
        "get": list_op(
            "listSettings",
            "Every version of a kind's live settings, newest first",
            "Settings",
            params=["kind"],
            errs=["BadRequest"],
        )
    },
    "/config/{kind}/rollback": {
        "post": op(
            "rollbackSettings",
            "Make an earlier version current again, as a new version",
            json_response("Settings"),
            params=["kind"],
            body="RollbackSettings",
            errs=("NotFound",),
        )
    },
    # Storage classes
    "/storage-classes": {"get": list_op("listStorageClasses", "List the storage classes mapped to pools", "StorageClass")},
    "/storage-classes/{class}": {
        "get": get_op("getStorageClass", "A mapped storage class", "StorageClass", "class"),
        "put": op(
            "setStorageClass",
            "Map a storage class to a pool (new objects of the class go there)",
            json_response("StorageClass"),
            params=["class"],
            body="SetStorageClass",
            errs=("NotFound",),
        ),
        "delete": delete_op("deleteStorageClass", "Unmap a storage class", "class", errs=("NotFound",)),
    },
    # Buckets (read only)
    "/services": {"get": list_op("listServices", "List services with their state (from their heartbeats)", "Service")},
    "/services/{id}": {
        "get": get_op("getService", "A service", "Service", "id"),
        "delete": delete_op("deleteService", "Forget a service that is not Online", "id"),
    },
    "/zones": {
        "get": list_op("listZones", "List zones (other clusters, for replication)", "Zone"),
        "post": create_op("createZone", "Add a zone", "CreateZone", "Zone"),
    },
    "/zones/{name}": {
        "get": get_op("getZone", "A zone", "Zone", "name"),
        "delete": delete_op("deleteZone", "Remove a zone", "name", errs=("NotFound",)),
    },
    "/buckets": {"get": list_op("listBuckets", "List buckets with their usage", "Bucket")},
    "/buckets/{name}": {"get": get_op("getBucket", "A bucket with its usage", "Bucket", "name")},
    # Users and their S3 access keys
    "/users": {
        "get": list_op("listUsers", "List users", "User"),
        "post": create_op("createUser", "Create a user", "CreateUser", "User"),
    },
    "/users/{user}": {
        "get": get_op("getUser", "A user, by id or name", "User", "user"),
        "delete": delete_op("deleteUser", "Delete a user and their keys (not while they own buckets)", "user"),
    },
    "/users/{user}/tokens": {
        "post": create_op(
            "createUserToken",
            "Issue a token for the user's own OS-EC2 credential API (shown once)",
            "CreateUserToken",
            "CreatedUserToken",
            params=["user"],
            errs=("NotFound",),
        )
    },
    "/users/{user}/keys": {
        "get": list_op("listUserKeys", "A user's S3 access keys", "AccessKey", params=["user"], errs=["NotFound"]),
        "post": op(
            "createUserKey",
            "Create an S3 access key (its secret is shown once)",
            json_response("CreatedAccessKey", "201"),
            params=["user"],
            errs=["NotFound"],
        ),
    },
    "/keys": {"get": list_op("listKeys", "Every S3 access key", "AccessKey")},
    # Joining hosts
    "/join-tokens": {
        "get": list_op("listJoinTokens", "The join tokens that have not expired (without secrets)", "JoinToken"),
        "post": create_op(
            "createJoinToken", "Create a join token (shown once)", "CreateJoinToken", "CreatedJoinToken", errs=()
        ),
    },
    "/join-tokens/{id}": {"delete": delete_op("deleteJoinToken", "Revoke a join token", "id", errs=["NotFound"])},
    "/join": {
        "post": op(
            "join",
            "A new host trades its join token for the cluster key and addresses (the token is the credential: "
            "no API key; an unknown, wrong, expired or used-up token is 401)",
            json_response("JoinAnswer"),
            body="Join",
            errs=("Unauthorized", "ServiceUnavailable"),
            public=True,
        )
    },
    "/keys/{key}": {
        "get": get_op("getKey", "An S3 access key", "AccessKey", "key"),
        "patch": update_op("updateKey", "Enable or disable an S3 access key", "key", "UpdateAccessKey", "AccessKey"),
        "delete": delete_op("deleteKey", "Delete an S3 access key", "key", errs=["NotFound"]),
    },
}

# ------------------------------------------------------------------------------------------------------ document

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {
        "title": "KSAN portal API",
        "version": "1",
        "description": "The control plane of a KSAN cluster. "
        "Authenticate with `Authorization: Bearer <API key>` or `X-API-Key: <API key>`.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}, {"apiKeyHeader": []}],
    "paths": PATHS,
    "components": {
        "securitySchemes": {
            "bearer": {"scheme": "bearer", "type": "http"},
            "apiKeyHeader": {"in": "header", "name": "X-API-Key", "type": "apiKey"},
        },
        "parameters": {
            **{name: path_param(name) for name in ("id", "key", "name", "user")},
            "kind": {
                "in": "path",
                "name": "kind",
                "required": True,
                "schema": {"enum": ["gateway", "metadata", "osd", "portal", "worker"], "type": "string"},
            },
            "class": {
                "in": "path",
                "name": "class",
                "required": True,
                "schema": {"enum": STORAGE_CLASSES, "type": "string"},
            },
        },
        "responses": {
            "BadRequest": error_response("The request is not valid"),
            "Unauthorized": error_response("No valid API key"),
            "NotFound": error_response("No such resource"),
            "Conflict": error_response("Conflicts with what exists"),
            "ServiceUnavailable": error_response("The portal cannot do it now (and says why)"),
        },
        "schemas": SCHEMAS,
    },
}


def render(document=DOCUMENT):
    """The whole Swift file."""
    text = json.dumps(document, sort_keys=True, indent=1)
    return SWIFT_HEADER + "\n".join(INDENT + line for line in text.split("\n")) + SWIFT_FOOTER


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if the Swift file differs from the output")
    args = parser.parse_args()
    wanted = render()
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
    relative = OUTPUT.relative_to(REPO)
    if args.check:
        if current == wanted:
            return 0
        diff = list(
            difflib.unified_diff(
                current.splitlines(keepends=True),
                wanted.splitlines(keepends=True),
                f"{relative} (on disk)",
                f"{relative} (generated)",
                n=2,
            )
        )
        limit = 60
        sys.stdout.writelines(diff[:limit])
        if len(diff) > limit:
            print(f"... ({len(diff) - limit} more diff lines)")
        print(f"{relative} is out of date: run python3 scripts/openapi/generate.py", file=sys.stderr)
        return 1
    if current != wanted:  # leave the file (and its mtime) alone when nothing changes
        OUTPUT.write_text(wanted, encoding="utf-8", newline="\n")
        print(f"wrote {relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
