/// A parsed XML element: name (without namespace prefix), text, children. For small request bodies only.
public struct XMLNode: Sendable {
    /// Local name.
    public var name: String
    /// Concatenated character data directly inside this element.
    public var text: String
    /// Child elements in order.
    public var children: [XMLNode]

    /// The first child with this name.
    public func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
    /// All children with this name.
    public func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// Parses a document with ``XMLDocumentParser`` (strict, bounded depth and element count); throws MalformedXML
    /// if it is not one well-formed document.
    public static func parse<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws(S3Error) -> XMLNode {
        try XMLDocumentParser.parse(Array(bytes))
    }
}
