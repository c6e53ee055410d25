/// The OpenAPI 3 document of `/api/v1`, served at `/api/v1/openapi.json`. Tests validate it
/// (openapi-spec-validator), check it against the route table, and fuzz the running portal against it
/// (schemathesis).
public enum OpenAPIDocument {
    public static let json = #"""
        {
         "components": {
          "parameters": {
           "class": {
            "in": "path",
            "name": "class",
            "required": true,
            "schema": {
             "enum": [
              "DEEP_ARCHIVE",
              "EXPRESS_ONEZONE",
              "GLACIER",
              "GLACIER_IR",
              "INTELLIGENT_TIERING",
              "ONEZONE_IA",
              "OUTPOSTS",
              "REDUCED_REDUNDANCY",
              "SNOW",
              "STANDARD_IA"
             ],
             "type": "string"
            }
           },
           "id": {
            "in": "path",
            "name": "id",
            "required": true,
            "schema": {
             "type": "string"
            }
           },
           "key": {
            "in": "path",
            "name": "key",
            "required": true,
            "schema": {
             "type": "string"
            }
           },
           "kind": {
            "in": "path",
            "name": "kind",
            "required": true,
            "schema": {
             "enum": [
              "gateway",
              "metadata",
              "osd",
              "portal",
              "worker"
             ],
             "type": "string"
            }
           },
           "name": {
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
             "type": "string"
            }
           },
           "user": {
            "in": "path",
            "name": "user",
            "required": true,
            "schema": {
             "type": "string"
            }
           }
          },
          "responses": {
           "BadRequest": {
            "content": {
             "application/json": {
              "schema": {
               "$ref": "#/components/schemas/Error"
              }
             }
            },
            "description": "The request is not valid"
           },
           "Conflict": {
            "content": {
             "application/json": {
              "schema": {
               "$ref": "#/components/schemas/Error"
              }
             }
            },
            "description": "Conflicts with what exists"
           },
           "NotFound": {
            "content": {
             "application/json": {
              "schema": {
               "$ref": "#/components/schemas/Error"
              }
             }
            },
            "description": "No such resource"
           },
           "ServiceUnavailable": {
            "content": {
             "application/json": {
              "schema": {
               "$ref": "#/components/schemas/Error"
              }
             }
            },
            "description": "The portal cannot do it now (and says why)"
           },
           "Unauthorized": {
            "content": {
             "application/json": {
              "schema": {
               "$ref": "#/components/schemas/Error"
              }
             }
            },
            "description": "No valid API key"
           }
          },
          "schemas": {
           "APIKey": {
            "additionalProperties": false,
            "properties": {
             "createdAt": {
              "format": "date-time",
              "type": "string"
             },
             "id": {
              "type": "string"
             },
             "name": {
              "type": "string"
             }
            },
            "required": [
             "id",
             "name",
             "createdAt"
            ],
            "type": "object"
           },
           "AccessKey": {
            "additionalProperties": false,
            "properties": {
             "accessKeyId": {
              "type": "string"
             },
             "createdAt": {
              "format": "date-time",
              "type": "string"
             },
             "enabled": {
              "type": "boolean"
             },
             "userId": {
              "type": "string"
             }
            },
            "required": [
             "accessKeyId",
             "userId",
             "enabled",
             "createdAt"
            ],
            "type": "object"
           },
           "Bucket": {
            "additionalProperties": false,
            "properties": {
             "bytes": {
              "format": "int64",
              "type": "integer"
             },
             "createdAt": {
              "format": "date-time",
              "type": "string"
             },
             "id": {
              "type": "string"
             },
             "name": {
              "type": "string"
             },
             "objectCount": {
              "format": "int64",
              "type": "integer"
             },
             "ownerId": {
              "type": "string"
             },
             "ownerName": {
              "type": "string"
             },
             "poolId": {
              "type": "string"
             },
             "region": {
              "type": "string"
             }
            },
            "required": [
             "name",
             "id",
             "ownerId",
             "ownerName",
             "poolId",
             "region",
             "createdAt",
             "objectCount",
             "bytes"
            ],
            "type": "object"
           },
           "CreateAPIKey": {
            "additionalProperties": false,
            "properties": {
             "name": {
              "maxLength": 64,
              "minLength": 1,
              "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]+$",
              "type": "string"
             }
            },
            "required": [
             "name"
            ],
            "type": "object"
           },
           "CreateDisk": {
            "additionalProperties": false,
            "properties": {
             "id": {
              "maxLength": 64,
              "minLength": 1,
              "pattern": "^[A-Za-z0-9._-]+$",
              "type": "string"
             },
             "serverId": {
              "type": "string"
             }
            },
            "required": [
             "id",
             "serverId"
            ],
            "type": "object"
           },
           "CreateJoinToken": {
            "additionalProperties": false,
            "properties": {
             "description": {
              "maxLength": 64,
              "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]*$",
              "type": "string"
             },
             "ttlSeconds": {
              "maximum": 604800,
              "minimum": 60,
              "type": "integer"
             },
             "uses": {
              "maximum": 1000,
              "minimum": 1,
              "type": "integer"
             }
            },
            "type": "object"
           },
           "CreatePool": {
            "additionalProperties": false,
            "oneOf": [
             {
              "required": [
               "ec"
              ]
             },
             {
              "required": [
               "replicas"
              ]
             }
            ],
            "properties": {
             "default": {
              "type": "boolean"
             },
             "disks": {
              "items": {
               "type": "string"
              },
              "minItems": 1,
              "type": "array"
             },
             "ec": {
              "pattern": "^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]?)\\+(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]?)$",
              "type": "string"
             },
             "failureDomain": {
              "enum": [
               "host",
               "rack"
              ],
              "type": "string"
             },
             "id": {
              "maxLength": 64,
              "minLength": 1,
              "pattern": "^[A-Za-z0-9._-]+$",
              "type": "string"
             },
             "replicas": {
              "maximum": 255,
              "minimum": 1,
              "type": "integer"
             }
            },
            "required": [
             "id",
             "disks"
            ],
            "type": "object"
           },
           "CreateServer": {
            "additionalProperties": false,
            "properties": {
             "endpoint": {
              "pattern": "^https?://[A-Za-z0-9.-]+(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?/?$",
              "type": "string"
             },
             "id": {
              "maxLength": 64,
              "minLength": 1,
              "pattern": "^[A-Za-z0-9._-]+$",
              "type": "string"
             },
             "rack": {
              "maxLength": 64,
              "minLength": 1,
              "pattern": "^[A-Za-z0-9._-]+$",
              "type": "string"
             }
            },
            "required": [
             "id",
             "endpoint"
            ],
            "type": "object"
           },
           "CreateUser": {
            "additionalProperties": false,
            "properties": {
             "name": {
              "maxLength": 64,
              "minLength": 1,
              "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]+$",
              "type": "string"
             }
            },
            "required": [
             "name"
            ],
            "type": "object"
           },
           "CreateUserToken": {
            "additionalProperties": false,
            "properties": {
             "ttlSeconds": {
              "maximum": 2592000,
              "minimum": 60,
              "type": "integer"
             }
            },
            "type": "object"
           },
           "CreateZone": {
            "additionalProperties": false,
            "properties": {
             "endpoint": {
              "pattern": "^https?://[A-Za-z0-9.-]+(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?(/[A-Za-z0-9._~-]*)*$",
              "type": "string"
             },
             "name": {
              "maxLength": 64,
              "minLength": 1,
              "pattern": "^[A-Za-z0-9._-]+$",
              "type": "string"
             }
            },
            "required": [
             "name",
             "endpoint"
            ],
            "type": "object"
           },
           "CreatedAPIKey": {
            "additionalProperties": false,
            "properties": {
             "createdAt": {
              "format": "date-time",
              "type": "string"
             },
             "id": {
              "type": "string"
             },
             "key": {
              "type": "string"
             },
             "name": {
              "type": "string"
             }
            },
            "required": [
             "id",
             "name",
             "key",
             "createdAt"
            ],
            "type": "object"
           },
           "CreatedAccessKey": {
            "additionalProperties": false,
            "properties": {
             "accessKeyId": {
              "type": "string"
             },
             "createdAt": {
              "format": "date-time",
              "type": "string"
             },
             "enabled": {
              "type": "boolean"
             },
             "secretKey": {
              "type": "string"
             },
             "userId": {
              "type": "string"
             }
            },
            "required": [
             "accessKeyId",
             "secretKey",
             "userId",
             "enabled",
             "createdAt"
            ],
            "type": "object"
           },
           "CreatedJoinToken": {
            "additionalProperties": false,
            "properties": {
             "description": {
              "type": "string"
             },
             "expiresAt": {
              "format": "date-time",
              "type": "string"
             },
             "id": {
              "type": "string"
             },
             "token": {
              "type": "string"
             },
             "usesLeft": {
              "type": "integer"
             }
            },
            "required": [
             "id",
             "token",
             "description",
             "expiresAt",
             "usesLeft"
            ],
            "type": "object"
           },
           "CreatedUserToken": {
            "additionalProperties": false,
            "properties": {
             "expiresAt": {
              "format": "date-time",
              "type": "string"
             },
             "token": {
              "type": "string"
             },
             "userId": {
              "type": "string"
             }
            },
            "required": [
             "token",
             "userId",
             "expiresAt"
            ],
            "type": "object"
           },
           "Disk": {
            "additionalProperties": false,
            "properties": {
             "capacityBytes": {
              "format": "int64",
              "type": "integer"
             },
             "full": {
              "type": "boolean"
             },
             "id": {
              "type": "string"
             },
             "mode": {
              "enum": [
               "ReadWrite",
               "ReadOnly",
               "Maintenance"
              ],
              "type": "string"
             },
             "pools": {
              "items": {
               "type": "string"
              },
              "type": "array"
             },
             "serverId": {
              "type": "string"
             },
             "state": {
              "enum": [
               "Good",
               "Weak",
               "Bad",
               "Disabled"
              ],
              "type": "string"
             },
             "usedBytes": {
              "format": "int64",
              "type": "integer"
             }
            },
            "required": [
             "id",
             "serverId",
             "state",
             "mode",
             "full",
             "pools"
            ],
            "type": "object"
           },
           "Error": {
            "additionalProperties": false,
            "properties": {
             "error": {
              "additionalProperties": false,
              "properties": {
               "code": {
                "type": "string"
               },
               "message": {
                "type": "string"
               }
              },
              "required": [
               "code",
               "message"
              ],
              "type": "object"
             }
            },
            "required": [
             "error"
            ],
            "type": "object"
           },
           "Join": {
            "additionalProperties": false,
            "properties": {
             "hostId": {
              "maxLength": 64,
              "minLength": 1,
              "pattern": "^[A-Za-z0-9._-]+$",
              "type": "string"
             },
             "token": {
              "type": "string"
             }
            },
            "required": [
             "token",
             "hostId"
            ],
            "type": "object"
           },
           "JoinAnswer": {
            "additionalProperties": false,
            "properties": {
             "amqpUrl": {
              "type": "string"
             },
             "clusterKey": {
              "type": "string"
             },
             "metadataUrl": {
              "type": "string"
             }
            },
            "required": [
             "clusterKey",
             "metadataUrl"
            ],
            "type": "object"
           },
           "JoinToken": {
            "additionalProperties": false,
            "properties": {
             "createdAt": {
              "format": "date-time",
              "type": "string"
             },
             "description": {
              "type": "string"
             },
             "expiresAt": {
              "format": "date-time",
              "type": "string"
             },
             "hosts": {
              "items": {
               "type": "string"
              },
              "type": "array"
             },
             "id": {
              "type": "string"
             },
             "usesLeft": {
              "type": "integer"
             }
            },
            "required": [
             "id",
             "description",
             "createdAt",
             "expiresAt",
             "usesLeft",
             "hosts"
            ],
            "type": "object"
           },
           "Pool": {
            "additionalProperties": false,
            "properties": {
             "disks": {
              "items": {
               "type": "string"
              },
              "type": "array"
             },
             "failureDomain": {
              "enum": [
               "host",
               "rack"
              ],
              "type": "string"
             },
             "id": {
              "type": "string"
             },
             "isDefault": {
              "type": "boolean"
             },
             "k": {
              "format": "int64",
              "type": "integer"
             },
             "kind": {
              "enum": [
               "erasure",
               "replicated"
              ],
              "type": "string"
             },
             "m": {
              "format": "int64",
              "type": "integer"
             },
             "rebalanceSince": {
              "format": "date-time",
              "type": "string"
             },
             "replicas": {
              "format": "int64",
              "type": "integer"
             }
            },
            "required": [
             "kind",
             "id",
             "isDefault",
             "failureDomain",
             "disks"
            ],
            "type": "object"
           },
           "Queues": {
            "additionalProperties": false,
            "properties": {
             "garbage": {
              "format": "int64",
              "type": "integer"
             },
             "outbox": {
              "additionalProperties": false,
              "properties": {
               "oldestAgeSeconds": {
                "type": "number"
               },
               "pending": {
                "format": "int64",
                "type": "integer"
               }
              },
              "required": [
               "pending",
               "oldestAgeSeconds"
              ],
              "type": "object"
             },
             "repair": {
              "format": "int64",
              "type": "integer"
             }
            },
            "required": [
             "repair",
             "garbage",
             "outbox"
            ],
            "type": "object"
           },
           "RollbackSettings": {
            "additionalProperties": false,
            "properties": {
             "version": {
              "maximum": 2147483647,
              "minimum": 1,
              "type": "integer"
             }
            },
            "required": [
             "version"
            ],
            "type": "object"
           },
           "Server": {
            "additionalProperties": false,
            "properties": {
             "disks": {
              "items": {
               "type": "string"
              },
              "type": "array"
             },
             "endpoint": {
              "type": "string"
             },
             "id": {
              "type": "string"
             },
             "rack": {
              "type": "string"
             },
             "services": {
              "items": {
               "type": "string"
              },
              "type": "array"
             },
             "state": {
              "enum": [
               "Online",
               "Offline"
              ],
              "type": "string"
             },
             "stateHeld": {
              "type": "boolean"
             },
             "stateSince": {
              "format": "date-time",
              "type": "string"
             }
            },
            "required": [
             "id",
             "endpoint",
             "disks",
             "services",
             "state",
             "stateHeld"
            ],
            "type": "object"
           },
           "Service": {
            "additionalProperties": false,
            "properties": {
             "endpoint": {
              "type": "string"
             },
             "id": {
              "type": "string"
             },
             "kind": {
              "enum": [
               "gateway",
               "osd",
               "metadata",
               "portal",
               "worker"
              ],
              "type": "string"
             },
             "lastHeartbeat": {
              "format": "date-time",
              "type": "string"
             },
             "serverId": {
              "type": "string"
             },
             "startedAt": {
              "format": "date-time",
              "type": "string"
             },
             "state": {
              "enum": [
               "Online",
               "Offline",
               "Timeout"
              ],
              "type": "string"
             },
             "version": {
              "type": "string"
             }
            },
            "required": [
             "id",
             "kind",
             "endpoint",
             "version",
             "state",
             "startedAt",
             "lastHeartbeat"
            ],
            "type": "object"
           },
           "SetSettings": {
            "additionalProperties": false,
            "properties": {
             "comment": {
              "maxLength": 64,
              "minLength": 1,
              "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]+$",
              "type": "string"
             },
             "settings": {
              "additionalProperties": false,
              "properties": {
               "log-level": {
                "enum": [
                 "trace",
                 "debug",
                 "info",
                 "notice",
                 "warning",
                 "error",
                 "critical"
                ],
                "type": "string"
               }
              },
              "type": "object"
             }
            },
            "required": [
             "settings"
            ],
            "type": "object"
           },
           "SetStorageClass": {
            "additionalProperties": false,
            "properties": {
             "pool": {
              "type": "string"
             }
            },
            "required": [
             "pool"
            ],
            "type": "object"
           },
           "Settings": {
            "additionalProperties": false,
            "properties": {
             "comment": {
              "type": "string"
             },
             "createdAt": {
              "format": "date-time",
              "type": "string"
             },
             "kind": {
              "type": "string"
             },
             "liveKeys": {
              "additionalProperties": {
               "type": "string"
              },
              "type": "object"
             },
             "settings": {
              "additionalProperties": {
               "type": "string"
              },
              "type": "object"
             },
             "version": {
              "format": "int64",
              "type": "integer"
             }
            },
            "required": [
             "kind",
             "version",
             "settings",
             "liveKeys"
            ],
            "type": "object"
           },
           "Status": {
            "additionalProperties": false,
            "properties": {
             "buckets": {
              "format": "int64",
              "type": "integer"
             },
             "bytes": {
              "format": "int64",
              "type": "integer"
             },
             "capacityBytes": {
              "format": "int64",
              "type": "integer"
             },
             "defaultPool": {
              "type": "string"
             },
             "disks": {
              "format": "int64",
              "type": "integer"
             },
             "health": {
              "enum": [
               "OK",
               "DEGRADED"
              ],
              "type": "string"
             },
             "objects": {
              "format": "int64",
              "type": "integer"
             },
             "pools": {
              "format": "int64",
              "type": "integer"
             },
             "queues": {
              "$ref": "#/components/schemas/Queues"
             },
             "rebalance": {
              "items": {
               "additionalProperties": false,
               "properties": {
                "bytesToMove": {
                 "format": "int64",
                 "type": "integer"
                },
                "etaSeconds": {
                 "type": "number"
                },
                "leastLoaded": {
                 "format": "int64",
                 "type": "integer"
                },
                "mostLoaded": {
                 "format": "int64",
                 "type": "integer"
                },
                "pool": {
                 "type": "string"
                },
                "since": {
                 "format": "date-time",
                 "type": "string"
                }
               },
               "required": [
                "pool",
                "since",
                "bytesToMove",
                "leastLoaded",
                "mostLoaded"
               ],
               "type": "object"
              },
              "type": "array"
             },
             "rebuild": {
              "additionalProperties": false,
              "properties": {
               "bytesPerSecond": {
                "type": "number"
               },
               "bytesRemaining": {
                "format": "int64",
                "type": "integer"
               },
               "dataMovedLately": {
                "format": "int64",
                "type": "integer"
               },
               "dataRemaining": {
                "format": "int64",
                "type": "integer"
               },
               "disks": {
                "items": {
                 "type": "string"
                },
                "type": "array"
               },
               "etaSeconds": {
                "type": "number"
               }
              },
              "required": [
               "disks",
               "dataRemaining",
               "bytesRemaining",
               "dataMovedLately",
               "bytesPerSecond"
              ],
              "type": "object"
             },
             "servers": {
              "format": "int64",
              "type": "integer"
             },
             "services": {
              "additionalProperties": false,
              "properties": {
               "offline": {
                "format": "int64",
                "type": "integer"
               },
               "online": {
                "format": "int64",
                "type": "integer"
               },
               "timeout": {
                "format": "int64",
                "type": "integer"
               }
              },
              "required": [
               "online",
               "offline",
               "timeout"
              ],
              "type": "object"
             },
             "usedBytes": {
              "format": "int64",
              "type": "integer"
             },
             "users": {
              "format": "int64",
              "type": "integer"
             },
             "warnings": {
              "items": {
               "type": "string"
              },
              "type": "array"
             }
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
             "rebalance"
            ],
            "type": "object"
           },
           "StorageClass": {
            "additionalProperties": false,
            "properties": {
             "name": {
              "type": "string"
             },
             "poolId": {
              "type": "string"
             }
            },
            "required": [
             "name",
             "poolId"
            ],
            "type": "object"
           },
           "UpdateAccessKey": {
            "additionalProperties": false,
            "properties": {
             "enabled": {
              "type": "boolean"
             }
            },
            "required": [
             "enabled"
            ],
            "type": "object"
           },
           "UpdateDisk": {
            "additionalProperties": false,
            "minProperties": 1,
            "properties": {
             "mode": {
              "enum": [
               "ReadWrite",
               "ReadOnly",
               "Maintenance"
              ],
              "type": "string"
             },
             "state": {
              "enum": [
               "Good",
               "Weak",
               "Bad",
               "Disabled"
              ],
              "type": "string"
             }
            },
            "type": "object"
           },
           "UpdatePool": {
            "additionalProperties": false,
            "minProperties": 1,
            "properties": {
             "default": {
              "enum": [
               true
              ],
              "type": "boolean"
             },
             "disks": {
              "items": {
               "maxLength": 64,
               "minLength": 1,
               "pattern": "^[A-Za-z0-9._-]+$",
               "type": "string"
              },
              "maxItems": 255,
              "minItems": 1,
              "type": "array",
              "uniqueItems": true
             }
            },
            "type": "object"
           },
           "UpdateServer": {
            "additionalProperties": false,
            "minProperties": 1,
            "properties": {
             "rack": {
              "maxLength": 64,
              "pattern": "^[A-Za-z0-9._-]*$",
              "type": "string"
             },
             "state": {
              "enum": [
               "Online",
               "Offline"
              ],
              "type": "string"
             }
            },
            "type": "object"
           },
           "User": {
            "additionalProperties": false,
            "properties": {
             "bucketCount": {
              "format": "int64",
              "type": "integer"
             },
             "createdAt": {
              "format": "date-time",
              "type": "string"
             },
             "displayName": {
              "type": "string"
             },
             "id": {
              "type": "string"
             },
             "keyCount": {
              "format": "int64",
              "type": "integer"
             }
            },
            "required": [
             "id",
             "displayName",
             "createdAt",
             "keyCount",
             "bucketCount"
            ],
            "type": "object"
           },
           "Zone": {
            "additionalProperties": false,
            "properties": {
             "createdAt": {
              "format": "date-time",
              "type": "string"
             },
             "endpoint": {
              "type": "string"
             },
             "name": {
              "type": "string"
             }
            },
            "required": [
             "name",
             "endpoint",
             "createdAt"
            ],
            "type": "object"
           }
          },
          "securitySchemes": {
           "apiKeyHeader": {
            "in": "header",
            "name": "X-API-Key",
            "type": "apiKey"
           },
           "bearer": {
            "scheme": "bearer",
            "type": "http"
           }
          }
         },
         "info": {
          "description": "The control plane of a KSAN cluster. Authenticate with `Authorization: Bearer <API key>` or `X-API-Key: <API key>`.",
          "title": "KSAN portal API",
          "version": "1"
         },
         "openapi": "3.0.3",
         "paths": {
          "/api-keys": {
           "get": {
            "operationId": "listAPIKeys",
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "additionalProperties": false,
                 "properties": {
                  "items": {
                   "items": {
                    "$ref": "#/components/schemas/APIKey"
                   },
                   "type": "array"
                  }
                 },
                 "required": [
                  "items"
                 ],
                 "type": "object"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             }
            },
            "summary": "The portal's API keys (without secrets)"
           },
           "post": {
            "operationId": "createAPIKey",
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/CreateAPIKey"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/CreatedAPIKey"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             }
            },
            "summary": "Create an API key (shown once)"
           }
          },
          "/api-keys/{id}": {
           "delete": {
            "operationId": "deleteAPIKey",
            "parameters": [
             {
              "$ref": "#/components/parameters/id"
             }
            ],
            "responses": {
             "204": {
              "description": "Done"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             },
             "409": {
              "$ref": "#/components/responses/Conflict"
             }
            },
            "summary": "Delete an API key (not the last one)"
           }
          },
          "/buckets": {
           "get": {
            "operationId": "listBuckets",
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "additionalProperties": false,
                 "properties": {
                  "items": {
                   "items": {
                    "$ref": "#/components/schemas/Bucket"
                   },
                   "type": "array"
                  }
                 },
                 "required": [
                  "items"
                 ],
                 "type": "object"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             }
            },
            "summary": "List buckets with their usage"
           }
          },
          "/buckets/{name}": {
           "get": {
            "operationId": "getBucket",
            "parameters": [
             {
              "$ref": "#/components/parameters/name"
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Bucket"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "A bucket with its usage"
           }
          },
          "/config/{kind}": {
           "get": {
            "operationId": "getSettings",
            "parameters": [
             {
              "$ref": "#/components/parameters/kind"
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Settings"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             }
            },
            "summary": "The current live settings of a kind of service"
           },
           "put": {
            "operationId": "setSettings",
            "parameters": [
             {
              "$ref": "#/components/parameters/kind"
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/SetSettings"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Settings"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             }
            },
            "summary": "Save a new version of a kind's live settings (pushed to its services)"
           }
          },
          "/config/{kind}/history": {
           "get": {
            "operationId": "listSettings",
            "parameters": [
             {
              "$ref": "#/components/parameters/kind"
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "additionalProperties": false,
                 "properties": {
                  "items": {
                   "items": {
                    "$ref": "#/components/schemas/Settings"
                   },
                   "type": "array"
                  }
                 },
                 "required": [
                  "items"
                 ],
                 "type": "object"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             }
            },
            "summary": "Every version of a kind's live settings, newest first"
           }
          },
          "/config/{kind}/rollback": {
           "post": {
            "operationId": "rollbackSettings",
            "parameters": [
             {
              "$ref": "#/components/parameters/kind"
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/RollbackSettings"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Settings"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             }
            },
            "summary": "Make an earlier version current again, as a new version"
           }
          },
          "/disks": {
           "get": {
            "operationId": "listDisks",
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "additionalProperties": false,
                 "properties": {
                  "items": {
                   "items": {
                    "$ref": "#/components/schemas/Disk"
                   },
                   "type": "array"
                  }
                 },
                 "required": [
                  "items"
                 ],
                 "type": "object"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             }
            },
            "summary": "List disks"
           },
           "post": {
            "operationId": "createDisk",
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/CreateDisk"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Disk"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             },
             "409": {
              "$ref": "#/components/responses/Conflict"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             }
            },
            "summary": "Add a disk to a server"
           }
          },
          "/disks/{id}": {
           "delete": {
            "operationId": "deleteDisk",
            "parameters": [
             {
              "$ref": "#/components/parameters/id"
             }
            ],
            "responses": {
             "204": {
              "description": "Done"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             },
             "409": {
              "$ref": "#/components/responses/Conflict"
             }
            },
            "summary": "Remove a disk no pool lists and that holds no shard"
           },
           "get": {
            "operationId": "getDisk",
            "parameters": [
             {
              "$ref": "#/components/parameters/id"
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Disk"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "A disk"
           },
           "patch": {
            "operationId": "updateDisk",
            "parameters": [
             {
              "$ref": "#/components/parameters/id"
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/UpdateDisk"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Disk"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             }
            },
            "summary": "Set a disk's state or mode"
           }
          },
          "/health": {
           "get": {
            "operationId": "health",
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "properties": {
                  "status": {
                   "enum": [
                    "ok"
                   ],
                   "type": "string"
                  }
                 },
                 "required": [
                  "status"
                 ],
                 "type": "object"
                }
               }
              },
              "description": "OK"
             }
            },
            "security": [],
            "summary": "Liveness (no key needed)"
           }
          },
          "/join": {
           "post": {
            "operationId": "join",
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/Join"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/JoinAnswer"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             },
             "503": {
              "$ref": "#/components/responses/ServiceUnavailable"
             }
            },
            "security": [],
            "summary": "A new host trades its join token for the cluster key and addresses (the token is the credential: no API key; an unknown, wrong, expired or used-up token is 401)"
           }
          },
          "/join-tokens": {
           "get": {
            "operationId": "listJoinTokens",
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "additionalProperties": false,
                 "properties": {
                  "items": {
                   "items": {
                    "$ref": "#/components/schemas/JoinToken"
                   },
                   "type": "array"
                  }
                 },
                 "required": [
                  "items"
                 ],
                 "type": "object"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             }
            },
            "summary": "The join tokens that have not expired (without secrets)"
           },
           "post": {
            "operationId": "createJoinToken",
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/CreateJoinToken"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/CreatedJoinToken"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             }
            },
            "summary": "Create a join token (shown once)"
           }
          },
          "/join-tokens/{id}": {
           "delete": {
            "operationId": "deleteJoinToken",
            "parameters": [
             {
              "$ref": "#/components/parameters/id"
             }
            ],
            "responses": {
             "204": {
              "description": "Done"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "Revoke a join token"
           }
          },
          "/keys": {
           "get": {
            "operationId": "listKeys",
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "additionalProperties": false,
                 "properties": {
                  "items": {
                   "items": {
                    "$ref": "#/components/schemas/AccessKey"
                   },
                   "type": "array"
                  }
                 },
                 "required": [
                  "items"
                 ],
                 "type": "object"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             }
            },
            "summary": "Every S3 access key"
           }
          },
          "/keys/{key}": {
           "delete": {
            "operationId": "deleteKey",
            "parameters": [
             {
              "$ref": "#/components/parameters/key"
             }
            ],
            "responses": {
             "204": {
              "description": "Done"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "Delete an S3 access key"
           },
           "get": {
            "operationId": "getKey",
            "parameters": [
             {
              "$ref": "#/components/parameters/key"
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/AccessKey"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "An S3 access key"
           },
           "patch": {
            "operationId": "updateKey",
            "parameters": [
             {
              "$ref": "#/components/parameters/key"
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/UpdateAccessKey"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/AccessKey"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             }
            },
            "summary": "Enable or disable an S3 access key"
           }
          },
          "/openapi.json": {
           "get": {
            "operationId": "openapi",
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "type": "object"
                }
               }
              },
              "description": "OK"
             }
            },
            "security": [],
            "summary": "This document (no key needed)"
           }
          },
          "/pools": {
           "get": {
            "operationId": "listPools",
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "additionalProperties": false,
                 "properties": {
                  "items": {
                   "items": {
                    "$ref": "#/components/schemas/Pool"
                   },
                   "type": "array"
                  }
                 },
                 "required": [
                  "items"
                 ],
                 "type": "object"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             }
            },
            "summary": "List disk pools"
           },
           "post": {
            "operationId": "createPool",
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/CreatePool"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Pool"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "409": {
              "$ref": "#/components/responses/Conflict"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             }
            },
            "summary": "Create a pool (refused if it could lose data with one failure domain down)"
           }
          },
          "/pools/{id}": {
           "delete": {
            "operationId": "deletePool",
            "parameters": [
             {
              "$ref": "#/components/parameters/id"
             }
            ],
            "responses": {
             "204": {
              "description": "Done"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             },
             "409": {
              "$ref": "#/components/responses/Conflict"
             }
            },
            "summary": "Remove a pool nothing uses"
           },
           "get": {
            "operationId": "getPool",
            "parameters": [
             {
              "$ref": "#/components/parameters/id"
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Pool"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "A disk pool"
           },
           "patch": {
            "operationId": "updatePool",
            "parameters": [
             {
              "$ref": "#/components/parameters/id"
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/UpdatePool"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Pool"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             },
             "409": {
              "$ref": "#/components/responses/Conflict"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             }
            },
            "summary": "Make a pool the default, or set its disks (a disk left out must hold none of its shards)"
           }
          },
          "/pools/{id}/rebalance": {
           "delete": {
            "operationId": "stopRebalance",
            "parameters": [
             {
              "$ref": "#/components/parameters/id"
             }
            ],
            "responses": {
             "204": {
              "description": "Done"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "Stop the pool's rebalance"
           },
           "post": {
            "operationId": "startRebalance",
            "parameters": [
             {
              "$ref": "#/components/parameters/id"
             }
            ],
            "responses": {
             "202": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Pool"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "Spread the pool's stored shards evenly over its disks (the workers do it, at rebalance-rate)"
           }
          },
          "/servers": {
           "get": {
            "operationId": "listServers",
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "additionalProperties": false,
                 "properties": {
                  "items": {
                   "items": {
                    "$ref": "#/components/schemas/Server"
                   },
                   "type": "array"
                  }
                 },
                 "required": [
                  "items"
                 ],
                 "type": "object"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             }
            },
            "summary": "List servers"
           },
           "post": {
            "operationId": "createServer",
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/CreateServer"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Server"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "409": {
              "$ref": "#/components/responses/Conflict"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             }
            },
            "summary": "Add a server"
           }
          },
          "/servers/{id}": {
           "delete": {
            "operationId": "deleteServer",
            "parameters": [
             {
              "$ref": "#/components/parameters/id"
             }
            ],
            "responses": {
             "204": {
              "description": "Done"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             },
             "409": {
              "$ref": "#/components/responses/Conflict"
             }
            },
            "summary": "Remove a server without disks"
           },
           "get": {
            "operationId": "getServer",
            "parameters": [
             {
              "$ref": "#/components/parameters/id"
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Server"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "A server"
           },
           "patch": {
            "operationId": "updateServer",
            "parameters": [
             {
              "$ref": "#/components/parameters/id"
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/UpdateServer"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Server"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             },
             "409": {
              "$ref": "#/components/responses/Conflict"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             }
            },
            "summary": "Move a server to a rack (\"\": out of any), or hold it Offline (Online: back to its heartbeats)"
           }
          },
          "/services": {
           "get": {
            "operationId": "listServices",
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "additionalProperties": false,
                 "properties": {
                  "items": {
                   "items": {
                    "$ref": "#/components/schemas/Service"
                   },
                   "type": "array"
                  }
                 },
                 "required": [
                  "items"
                 ],
                 "type": "object"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             }
            },
            "summary": "List services with their state (from their heartbeats)"
           }
          },
          "/services/{id}": {
           "delete": {
            "operationId": "deleteService",
            "parameters": [
             {
              "$ref": "#/components/parameters/id"
             }
            ],
            "responses": {
             "204": {
              "description": "Done"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             },
             "409": {
              "$ref": "#/components/responses/Conflict"
             }
            },
            "summary": "Forget a service that is not Online"
           },
           "get": {
            "operationId": "getService",
            "parameters": [
             {
              "$ref": "#/components/parameters/id"
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Service"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "A service"
           }
          },
          "/status": {
           "get": {
            "operationId": "getStatus",
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Status"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             }
            },
            "summary": "The one-screen summary"
           }
          },
          "/storage-classes": {
           "get": {
            "operationId": "listStorageClasses",
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "additionalProperties": false,
                 "properties": {
                  "items": {
                   "items": {
                    "$ref": "#/components/schemas/StorageClass"
                   },
                   "type": "array"
                  }
                 },
                 "required": [
                  "items"
                 ],
                 "type": "object"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             }
            },
            "summary": "List the storage classes mapped to pools"
           }
          },
          "/storage-classes/{class}": {
           "delete": {
            "operationId": "deleteStorageClass",
            "parameters": [
             {
              "$ref": "#/components/parameters/class"
             }
            ],
            "responses": {
             "204": {
              "description": "Done"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "Unmap a storage class"
           },
           "get": {
            "operationId": "getStorageClass",
            "parameters": [
             {
              "$ref": "#/components/parameters/class"
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/StorageClass"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "A mapped storage class"
           },
           "put": {
            "operationId": "setStorageClass",
            "parameters": [
             {
              "$ref": "#/components/parameters/class"
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/SetStorageClass"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/StorageClass"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             }
            },
            "summary": "Map a storage class to a pool (new objects of the class go there)"
           }
          },
          "/users": {
           "get": {
            "operationId": "listUsers",
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "additionalProperties": false,
                 "properties": {
                  "items": {
                   "items": {
                    "$ref": "#/components/schemas/User"
                   },
                   "type": "array"
                  }
                 },
                 "required": [
                  "items"
                 ],
                 "type": "object"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             }
            },
            "summary": "List users"
           },
           "post": {
            "operationId": "createUser",
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/CreateUser"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/User"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "409": {
              "$ref": "#/components/responses/Conflict"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             }
            },
            "summary": "Create a user"
           }
          },
          "/users/{user}": {
           "delete": {
            "operationId": "deleteUser",
            "parameters": [
             {
              "$ref": "#/components/parameters/user"
             }
            ],
            "responses": {
             "204": {
              "description": "Done"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             },
             "409": {
              "$ref": "#/components/responses/Conflict"
             }
            },
            "summary": "Delete a user and their keys (not while they own buckets)"
           },
           "get": {
            "operationId": "getUser",
            "parameters": [
             {
              "$ref": "#/components/parameters/user"
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/User"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "A user, by id or name"
           }
          },
          "/users/{user}/keys": {
           "get": {
            "operationId": "listUserKeys",
            "parameters": [
             {
              "$ref": "#/components/parameters/user"
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "additionalProperties": false,
                 "properties": {
                  "items": {
                   "items": {
                    "$ref": "#/components/schemas/AccessKey"
                   },
                   "type": "array"
                  }
                 },
                 "required": [
                  "items"
                 ],
                 "type": "object"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "A user's S3 access keys"
           },
           "post": {
            "operationId": "createUserKey",
            "parameters": [
             {
              "$ref": "#/components/parameters/user"
             }
            ],
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/CreatedAccessKey"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "Create an S3 access key (its secret is shown once)"
           }
          },
          "/users/{user}/tokens": {
           "post": {
            "operationId": "createUserToken",
            "parameters": [
             {
              "$ref": "#/components/parameters/user"
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/CreateUserToken"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/CreatedUserToken"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             }
            },
            "summary": "Issue a token for the user's own OS-EC2 credential API (shown once)"
           }
          },
          "/zones": {
           "get": {
            "operationId": "listZones",
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "additionalProperties": false,
                 "properties": {
                  "items": {
                   "items": {
                    "$ref": "#/components/schemas/Zone"
                   },
                   "type": "array"
                  }
                 },
                 "required": [
                  "items"
                 ],
                 "type": "object"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             }
            },
            "summary": "List zones (other clusters, for replication)"
           },
           "post": {
            "operationId": "createZone",
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/CreateZone"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Zone"
                }
               }
              },
              "description": "OK"
             },
             "400": {
              "$ref": "#/components/responses/BadRequest"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "409": {
              "$ref": "#/components/responses/Conflict"
             },
             "413": {
              "$ref": "#/components/responses/BadRequest"
             }
            },
            "summary": "Add a zone"
           }
          },
          "/zones/{name}": {
           "delete": {
            "operationId": "deleteZone",
            "parameters": [
             {
              "$ref": "#/components/parameters/name"
             }
            ],
            "responses": {
             "204": {
              "description": "Done"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "Remove a zone"
           },
           "get": {
            "operationId": "getZone",
            "parameters": [
             {
              "$ref": "#/components/parameters/name"
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Zone"
                }
               }
              },
              "description": "OK"
             },
             "401": {
              "$ref": "#/components/responses/Unauthorized"
             },
             "404": {
              "$ref": "#/components/responses/NotFound"
             }
            },
            "summary": "A zone"
           }
          }
         },
         "security": [
          {
           "bearer": []
          },
          {
           "apiKeyHeader": []
          }
         ],
         "servers": [
          {
           "url": "/api/v1"
          }
         ]
        }
        """#
}
