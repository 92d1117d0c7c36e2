import FactGraph

/// Links names to the entities a graph already has (by name or alias), so that ingested facts
/// extend the graph instead of duplicating it.
public final class GraphLinker: @unchecked Sendable {
    public let graph: FactGraph
    /// Every honor's name and alias → its canonical name.
    let honors: [Scalars: String]
    let honorKind: Int?

    public init(graph: FactGraph) {
        self.graph = graph
        var h: [Scalars: String] = [:]
        let hk = graph.kind(named: "honor")
        honorKind = hk
        if let hk {
            for (name, e) in graph.allNames() where Int(graph.entityKind[Int(e)]) == hk {
                let s = scalars(name)
                if s.count >= 3 { h[s] = graph.name(of: e) }
            }
        }
        honors = h
    }

    func entity(named s: Scalars) -> EntityID? {
        guard s.count >= 2 else { return nil }
        return graph.entity(named: string(s))
    }

    /// The canonical name and kind of what `s` names, skipping honors and sources.
    func link(_ s: Scalars) -> (name: String, kind: String)? {
        guard let e = entity(named: s) else { return nil }
        let k = graph.kindOf(e)
        if k.name == "honor" || k.index == graph.sourceKind { return nil }
        return (graph.name(of: e), k.name)
    }

    /// Entities of non-honor kinds whose name or alias occurs in `text` (longest first).
    func entities(mentionedIn text: Scalars) -> [(name: String, kind: String)] {
        var out: [(String, String, Int)] = []
        let n = text.count
        var i = 0
        while i < n {
            var len = min(20, n - i)
            while len >= 3 {
                let sub = Array(text[i..<(i + len)])
                if let hit = link(sub), graph.kindOf(graph.entity(named: string(sub))!).role != .relation {
                    if hit.kind != "department" && hit.kind != "media" && hit.kind != "person" { out.append((hit.name, hit.kind, len)) }
                    i += len - 1
                    break
                }
                len -= 1
            }
            i += 1
        }
        return out.map { ($0.0, $0.1) }
    }
}
