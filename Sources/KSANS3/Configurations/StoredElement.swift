import Foundation

/// An XML element as a bucket configuration keeps it (``BucketConfigKind``): a document validated against S3's
/// schema is stored as this tree, so that a GET answers what was put, element for element, in its order.
struct StoredElement: StoredDocument, Sendable, Hashable {
    var name: String
    /// The text of a leaf; nil for an element with children.
    var text: String?
    var children: [StoredElement]?

    /// The tree of a parsed element: leaves keep their text (trimmed), elements with children only those.
    init(_ node: XMLNode) {
        name = node.name
        if node.children.isEmpty {
            text = node.text.trimmingCharacters(in: .whitespacesAndNewlines)
            children = nil
        } else {
            text = nil
            children = node.children.map(StoredElement.init)
        }
    }

    /// Writes the element (with S3's namespace on the root).
    func write(to xml: inout XMLWriter, root: Bool = true) {
        if let children {
            xml.open(name, namespace: root)
            for child in children { child.write(to: &xml, root: false) }
            xml.close(name)
        } else {
            xml.element(name, text ?? "")
        }
    }
}
