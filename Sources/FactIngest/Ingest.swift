import FactGraph

/// Press releases → candidate facts.
///
///     let ingest = Ingest(graph: builtin)                 // links to the graph's entities
///     let doc = try SourceDocument(bytes: bytes, fileName: "jining-2024-09-11.txt")
///     let result = ingest.extract(doc)                    // result.candidates
public struct Ingest: Sendable {
    public let lexicon: HonorLexicon
    public let linker: GraphLinker?
    let finder: MentionFinder

    public init(graph: FactGraph? = nil, lexicon: HonorLexicon = .standard) {
        self.lexicon = lexicon
        self.linker = graph.map(GraphLinker.init)
        self.finder = MentionFinder(lexicon: lexicon, graphHonors: linker?.honors ?? [:])
    }

    public func extract(_ doc: SourceDocument) -> IngestedDocument {
        var x = Extractor(doc: doc, lexicon: lexicon, finder: finder, linker: linker)
        return x.run()
    }

    /// Reads and extracts one file's bytes.
    public func extract(bytes: [UInt8], fileName: String) throws(SourceDocument.ReadError) -> IngestedDocument {
        extract(try SourceDocument(bytes: bytes, fileName: fileName))
    }
}
