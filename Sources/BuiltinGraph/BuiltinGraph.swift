import FactGraph

/// The built-in graph: facts from the Weifang (2021-09-17) and Jining (2024-09-11) press
/// releases, embedded in the binary so that `factsh` finds it from any directory.
public enum BuiltinGraph {
    /// The file name used in messages and provenance.
    public static let fileName = "builtin.facts"

    /// The raw `.facts` text.
    public static var bytes: [UInt8] { PackageResources.builtin_facts }

    /// Parses the built-in graph.
    public static func load() throws(LoadFailure) -> FactGraph {
        try FactsReader.load([(fileName, bytes)])
    }
}
