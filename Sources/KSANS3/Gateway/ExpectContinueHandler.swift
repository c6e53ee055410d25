import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` once the request has passed its checks, as S3 does: the interim `100 Continue` is
/// sent when the handler first reads the body (the ``ExpectContinueHandler/SendContinue`` outbound event, raised by
/// ``ContinueOnFirstRead``). A request refused before its body is read gets its final response with
/// `Connection: close`, and the connection closes after it: the client never sent the body, so the bytes that follow
/// on the connection could not be told apart from it.
final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The outbound user event that sends `100 Continue` if the current request is waiting for it.
    struct SendContinue: Sendable {}

    /// For each request whose final response has not started, in arrival order (a client may pipeline): whether
    /// it asked for `100 Continue` and has not had it.
    private var awaitingContinue: [Bool] = []
    /// The final response being written went out before its request's body was asked for; close once it ends.
    private var closeAfterResponse = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            awaitingContinue.append(head.headerFields[.expect]?.lowercased() == "100-continue")
        }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is SendContinue else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        // The body being read is that of the oldest request without a final response.
        if awaitingContinue.first == true {
            awaitingContinue[0] = false
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        promise?.succeed()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response) where response.status.kind != .informational:
            let awaiting = awaitingContinue.isEmpty ? false : awaitingContinue.removeFirst()
            if awaiting {
                response.headerFields[.connection] = "close"
                closeAfterResponse = true
            }
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .end where closeAfterResponse:
            closeAfterResponse = false
            let written = promise ?? context.eventLoop.makePromise()
            context.write(data, promise: written)
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            written.futureResult.whenComplete { _ in loopBound.value.close(promise: nil) }
        default:
            context.write(data, promise: promise)
        }
    }
}
