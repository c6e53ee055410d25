import Foundation

extension Topology {
    /// Reads a topology from its JSON file (the Codable form of ``Topology``) and validates it.
    /// - Throws: ``MetadataError`` `.invalidTopology` if the file cannot be read, is not a topology, or fails
    ///   ``PostgresMetadataStore/validate(topology:)``.
    public static func load(contentsOf path: String) throws -> Topology {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw MetadataError(.invalidTopology, "cannot read topology file \(path): \(error.localizedDescription)")
        }
        let topology: Topology
        do {
            topology = try JSONDecoder().decode(Topology.self, from: data)
        } catch {
            throw MetadataError(.invalidTopology, "topology file \(path) is not valid: \(error)")
        }
        try PostgresMetadataStore.validate(topology: topology)
        return topology
    }
}
