#ifndef KSAN_CRABBITMQ_SHIM_H
#define KSAN_CRABBITMQ_SHIM_H
// librabbitmq (AMQP 0-9-1) for KSANBus. The helpers below cover what Swift cannot call or read directly: the
// variadic amqp_login, the method-number macros (casts Swift does not import), and tables of string values.
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

// Login with PLAIN authentication (amqp_login_with_properties is C-variadic), announcing the capability
// consumer_cancel_notify: the broker then tells a consumer it cancelled (basic.cancel: its queue restarted or moved)
// instead of leaving it silently without deliveries.
static inline amqp_rpc_reply_t ksan_amqp_login_plain(amqp_connection_state_t state, const char *vhost,
                                                     int channel_max, int frame_max, int heartbeat,
                                                     const char *user, const char *password) {
    amqp_table_entry_t capability;
    capability.key = amqp_cstring_bytes("consumer_cancel_notify");
    capability.value.kind = AMQP_FIELD_KIND_BOOLEAN;
    capability.value.value.boolean = 1;
    amqp_table_entry_t property;
    property.key = amqp_cstring_bytes("capabilities");
    property.value.kind = AMQP_FIELD_KIND_TABLE;
    property.value.value.table.num_entries = 1;
    property.value.value.table.entries = &capability;
    amqp_table_t properties;
    properties.num_entries = 1;
    properties.entries = &property;
    return amqp_login_with_properties(state, vhost, channel_max, frame_max, heartbeat, &properties,
                                      AMQP_SASL_METHOD_PLAIN, user, password);
}

static const uint32_t KSAN_AMQP_BASIC_ACK = AMQP_BASIC_ACK_METHOD;
static const uint32_t KSAN_AMQP_BASIC_NACK = AMQP_BASIC_NACK_METHOD;
static const uint32_t KSAN_AMQP_BASIC_RETURN = AMQP_BASIC_RETURN_METHOD;
static const uint32_t KSAN_AMQP_CHANNEL_CLOSE = AMQP_CHANNEL_CLOSE_METHOD;
static const uint32_t KSAN_AMQP_CONNECTION_CLOSE = AMQP_CONNECTION_CLOSE_METHOD;
static const uint32_t KSAN_AMQP_BASIC_CANCEL = AMQP_BASIC_CANCEL_METHOD;
static const uint32_t KSAN_AMQP_BASIC_PROPS_FLAGS = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG |
                                                    AMQP_BASIC_MESSAGE_ID_FLAG | AMQP_BASIC_TIMESTAMP_FLAG |
                                                    AMQP_BASIC_HEADERS_FLAG;
static const uint32_t KSAN_AMQP_BASIC_HEADERS_FLAG = AMQP_BASIC_HEADERS_FLAG;
static const uint32_t KSAN_AMQP_BASIC_MESSAGE_ID_FLAG = AMQP_BASIC_MESSAGE_ID_FLAG;

// A table of `count` string entries. Keys and values are copied; free the table with ksan_amqp_table_free.
static inline amqp_table_t ksan_amqp_string_table(const char *const *keys, const char *const *values, int count) {
    amqp_table_t table;
    table.num_entries = count;
    table.entries = count > 0 ? (amqp_table_entry_t *)calloc((size_t)count, sizeof(amqp_table_entry_t)) : NULL;
    for (int i = 0; i < count; i++) {
        table.entries[i].key = amqp_cstring_bytes(strdup(keys[i]));
        table.entries[i].value.kind = AMQP_FIELD_KIND_UTF8;
        table.entries[i].value.value.bytes = amqp_cstring_bytes(strdup(values[i]));
    }
    return table;
}

static inline void ksan_amqp_table_free(amqp_table_t table) {
    for (int i = 0; i < table.num_entries; i++) {
        free(table.entries[i].key.bytes);
        free(table.entries[i].value.value.bytes.bytes);
    }
    free(table.entries);
}

// The value of a string (or byte-array) entry of a table, or empty bytes.
static inline amqp_bytes_t ksan_amqp_table_string(amqp_table_t table, const char *key) {
    size_t length = strlen(key);
    for (int i = 0; i < table.num_entries; i++) {
        amqp_table_entry_t *entry = &table.entries[i];
        if (entry->key.len == length && memcmp(entry->key.bytes, key, length) == 0 &&
            (entry->value.kind == AMQP_FIELD_KIND_UTF8 || entry->value.kind == AMQP_FIELD_KIND_BYTES)) {
            return entry->value.value.bytes;
        }
    }
    return amqp_empty_bytes;
}

// The delivery tag and `multiple` flag of a basic.ack or basic.nack frame.
static inline uint64_t ksan_amqp_frame_delivery_tag(const amqp_frame_t *frame, int *multiple) {
    if (frame->payload.method.id == AMQP_BASIC_ACK_METHOD) {
        const amqp_basic_ack_t *ack = (const amqp_basic_ack_t *)frame->payload.method.decoded;
        *multiple = ack->multiple;
        return ack->delivery_tag;
    }
    if (frame->payload.method.id == AMQP_BASIC_NACK_METHOD) {
        const amqp_basic_nack_t *nack = (const amqp_basic_nack_t *)frame->payload.method.decoded;
        *multiple = nack->multiple;
        return nack->delivery_tag;
    }
    *multiple = 0;
    return 0;
}

static inline int ksan_amqp_frame_is_method(const amqp_frame_t *frame) {
    return frame->frame_type == AMQP_FRAME_METHOD;
}

static inline uint32_t ksan_amqp_frame_method_id(const amqp_frame_t *frame) {
    return frame->payload.method.id;
}

// A one-line description of a failed RPC reply into `buffer`: the library's error, or the broker's close reason.
static inline void ksan_amqp_reply_text(amqp_rpc_reply_t reply, char *buffer, size_t size) {
    switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
        snprintf(buffer, size, "normal");
        break;
    case AMQP_RESPONSE_NONE:
        snprintf(buffer, size, "missing RPC reply");
        break;
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
        snprintf(buffer, size, "%s", amqp_error_string2(reply.library_error));
        break;
    case AMQP_RESPONSE_SERVER_EXCEPTION:
        if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
            const amqp_connection_close_t *close = (const amqp_connection_close_t *)reply.reply.decoded;
            snprintf(buffer, size, "connection closed by the broker: %u %.*s", close->reply_code,
                     (int)close->reply_text.len, (const char *)close->reply_text.bytes);
        } else if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
            const amqp_channel_close_t *close = (const amqp_channel_close_t *)reply.reply.decoded;
            snprintf(buffer, size, "channel closed by the broker: %u %.*s", close->reply_code,
                     (int)close->reply_text.len, (const char *)close->reply_text.bytes);
        } else {
            snprintf(buffer, size, "unexpected broker method 0x%08x", reply.reply.id);
        }
        break;
    }
}
#endif
