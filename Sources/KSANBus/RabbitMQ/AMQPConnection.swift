import CRabbitMQ
import Foundation

/// One AMQP 0-9-1 connection with one channel, over librabbitmq. Every call blocks (bounded by the configuration's
/// timeouts): a connection lives on one dedicated thread of ``RabbitMQBus`` and is never shared. Any error leaves it
/// unusable; its owner drops it and connects again.
final class AMQPConnection {
    private let state: amqp_connection_state_t
    private let channel: amqp_channel_t = 1
    private var open = false

    /// Connects, logs in and opens channel 1.
    init(_ configuration: RabbitMQConfiguration) throws {
        guard let state = amqp_new_connection() else { throw AMQPError("cannot allocate an AMQP connection") }
        self.state = state
        // From here on, a throw runs deinit (every stored property is set), which destroys the state.
        guard let socket = amqp_tcp_socket_new(state) else { throw AMQPError("cannot allocate a TCP socket") }
        var timeout = timeval(configuration.connectTimeout)
        let opened = amqp_socket_open_noblock(socket, configuration.host, Int32(configuration.port), &timeout)
        guard opened == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(
                "cannot connect to \(configuration.host):\(configuration.port): \(String(cString: amqp_error_string2(opened)))"
            )
        }
        var rpcTimeout = timeval(configuration.operationTimeout)
        _ = amqp_set_handshake_timeout(state, &rpcTimeout)
        _ = amqp_set_rpc_timeout(state, &rpcTimeout)
        let login = ksan_amqp_login_plain(
            state, configuration.virtualHost, 0, 131_072, Int32(configuration.heartbeatSeconds), configuration.user,
            configuration.password)
        guard login.reply_type == AMQP_RESPONSE_NORMAL else {
            let reason = Self.describe(login)
            throw AMQPError("login to \(configuration.host):\(configuration.port) failed: \(reason)")
        }
        open = true
        amqp_channel_open(state, channel)
        try check("channel.open")
    }

    deinit {
        if open {
            _ = amqp_channel_close(state, channel, 200)
            _ = amqp_connection_close(state, 200)
        }
        amqp_destroy_connection(state)
    }

    /// Declares a durable topic exchange.
    func declareTopicExchange(_ name: String) throws {
        withBytes(name) { name in
            withBytes("topic") { type in
                _ = amqp_exchange_declare(state, channel, name, type, 0, 1, 0, 0, amqp_empty_table)
            }
        }
        try check("exchange.declare \(name)")
    }

    /// Declares a durable quorum queue (`name` non-empty) or a server-named exclusive queue deleted with its
    /// connection (`name` empty); returns its name.
    func declareQueue(_ name: String) throws -> String {
        let durable = !name.isEmpty
        let arguments: [(String, String)] = durable ? [("x-queue-type", "quorum")] : []
        var declared: String?
        withTable(arguments) { table in
            withBytes(name) { bytes in
                if let ok = amqp_queue_declare(
                    state, channel, bytes, 0, durable ? 1 : 0, durable ? 0 : 1, durable ? 0 : 1, table)
                {
                    declared = String(amqpBytes: ok.pointee.queue)
                }
            }
        }
        try check("queue.declare \(name)")
        guard let declared else { throw AMQPError("queue.declare \(name): no reply") }
        return declared
    }

    /// Binds a queue to an exchange for a routing-key pattern.
    func bind(queue: String, exchange: String, pattern: String) throws {
        withBytes(queue) { queue in
            withBytes(exchange) { exchange in
                withBytes(pattern) { pattern in
                    _ = amqp_queue_bind(state, channel, queue, exchange, pattern, amqp_empty_table)
                }
            }
        }
        try check("queue.bind \(queue) \(exchange) \(pattern)")
    }

    /// Puts the channel in confirm mode: the broker acknowledges every publication, numbered from 1.
    func selectConfirms() throws {
        _ = amqp_confirm_select(state, channel)
        try check("confirm.select")
    }

    /// Publishes a persistent message (delivery mode 2).
    func publish(exchange: String, routingKey: String, messageId: String, occurredAt: String, body: Data) throws {
        var properties = amqp_basic_properties_t()
        properties._flags = KSAN_AMQP_BASIC_PROPS_FLAGS
        properties.delivery_mode = 2
        properties.timestamp = UInt64(max(0, Date().timeIntervalSince1970))
        let status = withTable([("x-occurred-at", occurredAt)]) { headers in
            properties.headers = headers
            return withBytes("application/json") { contentType in
                properties.content_type = contentType
                return withBytes(messageId) { id in
                    properties.message_id = id
                    return withBytes(exchange) { exchange in
                        withBytes(routingKey) { routingKey in
                            body.withUnsafeBytes { raw in
                                let bytes = amqp_bytes_t(
                                    len: raw.count, bytes: UnsafeMutableRawPointer(mutating: raw.baseAddress))
                                return amqp_basic_publish(
                                    state, channel, exchange, routingKey, 0, 0, &properties, bytes)
                            }
                        }
                    }
                }
            }
        }
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError("basic.publish: \(String(cString: amqp_error_string2(status)))")
        }
    }

    /// A publisher confirm, if one arrives within `timeout` seconds (0: only what is already buffered or readable).
    /// Reading also answers the broker's heartbeats.
    func nextConfirm(timeout: Double) throws -> (tag: UInt64, multiple: Bool, ack: Bool)? {
        var frame = amqp_frame_t()
        var wait = timeval(timeout)
        let status = amqp_simple_wait_frame_noblock(state, &frame, &wait)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError("waiting for confirms: \(String(cString: amqp_error_string2(status)))")
        }
        guard ksan_amqp_frame_is_method(&frame) != 0 else { return nil }
        let method = ksan_amqp_frame_method_id(&frame)
        if method == KSAN_AMQP_BASIC_ACK || method == KSAN_AMQP_BASIC_NACK {
            var multiple: Int32 = 0
            let tag = ksan_amqp_frame_delivery_tag(&frame, &multiple)
            return (tag, multiple != 0, method == KSAN_AMQP_BASIC_ACK)
        }
        if method == KSAN_AMQP_CHANNEL_CLOSE || method == KSAN_AMQP_CONNECTION_CLOSE {
            open = false
            throw AMQPError("the broker closed the connection")
        }
        return nil
    }

    /// Starts consuming a queue: up to `prefetch` unacknowledged messages at a time (`acknowledged`), or every
    /// message taken as it is sent (not `acknowledged`).
    func consume(queue: String, prefetch: Int, acknowledged: Bool) throws {
        if acknowledged {
            _ = amqp_basic_qos(state, channel, 0, UInt16(clamping: max(1, prefetch)), 0)
            try check("basic.qos")
        }
        withBytes(queue) { queue in
            _ = amqp_basic_consume(
                state, channel, queue, amqp_empty_bytes, 0, acknowledged ? 0 : 1, 0, amqp_empty_table)
        }
        try check("basic.consume")
    }

    /// The next message of the consumed queue, if one arrives within `timeout` seconds. Reading also answers the
    /// broker's heartbeats.
    func nextMessage(timeout: Double) throws -> AMQPMessage? {
        amqp_maybe_release_buffers(state)
        var envelope = amqp_envelope_t()
        var wait = timeval(timeout)
        let reply = amqp_consume_message(state, &envelope, &wait, 0)
        if reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION {
            if reply.library_error == AMQP_STATUS_TIMEOUT.rawValue { return nil }
            if reply.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue {
                // A frame other than a delivery. A close is fatal, and so is basic.cancel: the broker cancels
                // consumers of a queue that moved or restarted (a quorum queue electing a leader after a broker
                // restart), and a consumer that ignored it would wait forever; reconnecting consumes again.
                // Anything else is skipped.
                var frame = amqp_frame_t()
                var none = timeval(0)
                let status = amqp_simple_wait_frame_noblock(state, &frame, &none)
                if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
                guard status == AMQP_STATUS_OK.rawValue else {
                    throw AMQPError("reading: \(String(cString: amqp_error_string2(status)))")
                }
                if ksan_amqp_frame_is_method(&frame) != 0 {
                    let method = ksan_amqp_frame_method_id(&frame)
                    if method == KSAN_AMQP_CHANNEL_CLOSE || method == KSAN_AMQP_CONNECTION_CLOSE {
                        open = false
                        throw AMQPError("the broker closed the connection")
                    }
                    if method == KSAN_AMQP_BASIC_CANCEL { throw AMQPError("the broker cancelled the consumer") }
                }
                return nil
            }
        }
        guard reply.reply_type == AMQP_RESPONSE_NORMAL else {
            open = false
            throw AMQPError("consuming: \(Self.describe(reply))")
        }
        defer { amqp_destroy_envelope(&envelope) }
        let properties = envelope.message.properties
        let hasId = properties._flags & KSAN_AMQP_BASIC_MESSAGE_ID_FLAG != 0
        let hasHeaders = properties._flags & KSAN_AMQP_BASIC_HEADERS_FLAG != 0
        let body = envelope.message.body
        return AMQPMessage(
            deliveryTag: envelope.delivery_tag,
            redelivered: envelope.redelivered != 0,
            exchange: String(amqpBytes: envelope.exchange),
            routingKey: String(amqpBytes: envelope.routing_key),
            messageId: hasId ? String(amqpBytes: properties.message_id) : "",
            occurredAt: hasHeaders
                ? String(amqpBytes: ksan_amqp_table_string(properties.headers, "x-occurred-at")) : "",
            body: body.len > 0 ? Data(bytes: body.bytes, count: body.len) : Data())
    }

    /// Acknowledges a message of this connection.
    func ack(_ deliveryTag: UInt64) throws {
        let status = amqp_basic_ack(state, channel, deliveryTag, 0)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError("basic.ack: \(String(cString: amqp_error_string2(status)))")
        }
    }

    private func check(_ what: String) throws {
        let reply = amqp_get_rpc_reply(state)
        guard reply.reply_type == AMQP_RESPONSE_NORMAL else {
            if reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION || reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION
            {
                open = false
            }
            throw AMQPError("\(what): \(Self.describe(reply))")
        }
    }

    private static func describe(_ reply: amqp_rpc_reply_t) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        ksan_amqp_reply_text(reply, &buffer, buffer.count)
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Runs `body` with the bytes of `text`, valid for the call only.
    private func withBytes<Result>(_ text: String, _ body: (amqp_bytes_t) -> Result) -> Result {
        var text = text
        return text.withUTF8 { buffer in
            body(amqp_bytes_t(len: buffer.count, bytes: UnsafeMutableRawPointer(mutating: buffer.baseAddress)))
        }
    }

    /// Runs `body` with a table of string entries, valid for the call only.
    private func withTable<Result>(_ entries: [(String, String)], _ body: (amqp_table_t) -> Result) -> Result {
        if entries.isEmpty { return body(amqp_empty_table) }
        let keys = entries.map { strdup($0.0) }
        let values = entries.map { strdup($0.1) }
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        let keyPointers = keys.map { UnsafePointer($0) }
        let valuePointers = values.map { UnsafePointer($0) }
        let table = keyPointers.withUnsafeBufferPointer { keys in
            valuePointers.withUnsafeBufferPointer { values in
                ksan_amqp_string_table(keys.baseAddress, values.baseAddress, Int32(entries.count))
            }
        }
        defer { ksan_amqp_table_free(table) }
        return body(table)
    }
}

extension String {
    /// The UTF-8 text of librabbitmq bytes (invalid sequences repaired).
    init(amqpBytes bytes: amqp_bytes_t) {
        guard bytes.len > 0, let start = bytes.bytes else {
            self = ""
            return
        }
        self = String(decoding: UnsafeRawBufferPointer(start: start, count: bytes.len), as: UTF8.self)
    }
}

extension timeval {
    /// A duration in seconds (negative: zero).
    init(_ seconds: Double) {
        let clamped = max(0, seconds)
        self.init(tv_sec: Int(clamped), tv_usec: Int((clamped - clamped.rounded(.down)) * 1_000_000))
    }
}
