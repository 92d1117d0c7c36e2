import FactGraph

/// Writes ingested candidates as a self-contained `.facts` file with the built-in graph's kinds
/// (docs/FORMAT.md): sources, the places, departments, honors, enterprises and people the awards
/// name (entities the linked graph already has keep its canonical names and aliases), then the
/// awards with `@source:line` provenance.
public enum FactsOutput {
    /// The built-in graph's kinds, declared so the file loads alone and merges with an export.
    public static let kinds = """
    kind province/provinces place
    kind city/cities place province:province^
    kind district/districts place city:city^ type:text
    kind department/departments entity place:place^ parent:department level:text
    kind person/people entity department:department^ title:text
    kind media/media entity place:place^ type:text
    kind enterprise/enterprises entity city:place^ industry:text
    kind site/sites entity place:place^ type:text operator:entity
    kind honor/honors entity level:text issuer:department type:text
    kind platform/platforms entity place:place^ host:entity type:text level:text status:text phone:text
    kind policy/policies entity issuer:text date:date drafted_by:department place:place^ type:text status:text
    kind event/events entity date:date host:department place:place^ type:text topic:text series:text
    kind award/awards relation recipient:entity^ honor:honor edition:text year:int date:date batch:text recommended_by:department note:text
    kind speaker/speakers relation event:event^ person:person role:text
    kind question/questions relation event:event^ media:media answered_by:person topic:text
    kind stat/stats relation subject:entity^ measure:text honor:honor value:number unit:text qualifier:text as_of:date period:text event:event
    """

    static func q(_ s: String) -> String { FactsWriter.quote(s) }

    /// Entities written so far: every name and alias, so none is claimed twice.
    struct Registry {
        var lines: [String: [String]] = [:]   // kind → lines
        var taken: [String: String] = [:]     // name or alias → kind
        var order = ["source", "province", "city", "district", "department", "site", "enterprise", "person", "honor", "policy", "event"]

        /// Adds an entity line; false if the name is already taken (by any kind).
        mutating func add(_ kind: String, _ name: String, aliases: [String] = [], _ columns: [(String, String?)] = [], provenance: [String] = []) -> Bool {
            let key = name.lowercased()
            if let k = taken[key] { return k == kind }
            taken[key] = kind
            var line = "\(kind) \(q(name))"
            for a in aliases where taken[a.lowercased()] == nil && a != name {
                taken[a.lowercased()] = kind
                line += " aka=\(q(a))"
            }
            for (c, v) in columns { if let v, !v.isEmpty { line += " \(c)=\(q(v))" } }
            for p in provenance { line += " " + p }
            lines[kind, default: []].append(line)
            return true
        }
        func has(_ name: String) -> Bool { taken[name.lowercased()] != nil }
    }

    /// The file's text.
    /// - Parameter omitLinked: leave out entities the linked graph has (to extend that graph in
    ///   place, as `.ingest` does); by default they are copied so the file loads alone.
    public static func write(_ docs: [IngestedDocument], linker: GraphLinker?, minimumConfidence: Double = 0, omitLinked: Bool = false) -> String {
        var reg = Registry()
        var awards: [String] = []
        let gaz = Gazetteer.shared

        func placeKind(_ d: Gazetteer.Division) -> String { d.level == .province ? "province" : (d.level == .city ? "city" : "district") }

        /// Writes a division and those it lies in; returns its name.
        @discardableResult
        func place(_ d: Gazetteer.Division) -> String {
            if let l = linker, let e = l.graph.entity(named: d.name) { return copy(e) }
            if reg.has(d.name) { return d.name }
            var cols: [(String, String?)] = []
            if let p = gaz.parent(of: d) {
                let pn = place(p)
                if d.level == .city && p.level == .province { cols.append(("province", pn)) }
                if d.level == .county && p.level == .city { cols.append(("city", pn)) }
            }
            if d.level == .county {
                let t = d.name.hasSuffix("区") ? "区" : d.name.hasSuffix("县") ? "县" : d.name.hasSuffix("市") ? "县级市" : d.name.hasSuffix("旗") ? "旗" : nil
                cols.append(("type", t))
            }
            let short = Gazetteer.names(for: d).dropFirst().filter { !reg.has($0) && gaz.lookup($0).count == 1 }
            _ = reg.add(placeKind(d), d.name, aliases: Array(short), cols)
            return d.name
        }

        /// Copies an entity of the linked graph (name, aliases, location chain); returns its name.
        @discardableResult
        func copy(_ e: EntityID) -> String {
            guard let g = linker?.graph else { return "" }
            let name = g.name(of: e)
            if reg.has(name) || omitLinked { return name }
            let kind = g.kindOf(e)
            var cols: [(String, String?)] = []
            if let lc = kind.locationColumn, case .entity(let p) = g.value(kind: kind.index, column: lc, row: Int(g.entityRow[Int(e)])) {
                cols.append((kind.columns[lc].name, copy(p)))
            }
            for (ci, c) in kind.columns.enumerated() where c.name == "type" || c.name == "level" {
                let v = g.value(kind: kind.index, column: ci, row: Int(g.entityRow[Int(e)]))
                if v != .null { cols.append((c.name, g.display(v))) }
            }
            let kindName = ["province", "city", "district", "department", "person", "media", "enterprise", "site", "honor", "platform", "policy", "event"].contains(kind.name) ? kind.name : "enterprise"
            _ = reg.add(kindName, name, aliases: g.aliases(of: e), cols)
            return name
        }

        var others: [String] = []

        /// A department by name (the host of an event), with its place when its name starts with one.
        func department(_ a: String) -> String? {
            if let l = linker, let e = l.graph.entity(named: a) { return copy(e) }
            var dcols: [(String, String?)] = []
            if let pl = gaz.longestPlace(in: scalars(a), at: 0), pl.divisions.count == 1 { dcols.append(("place", place(pl.divisions[0]))) }
            return reg.add("department", a, dcols) || reg.taken[a.lowercased()] == "department" ? a : nil
        }

        /// The honor a statistic counts: the graph's, or one written here.
        func honorEntity(_ h: String, _ prov: String) -> String? {
            if let l = linker, let e = l.graph.entity(named: h) { return l.graph.kindOf(e).name == "honor" ? copy(e) : nil }
            if reg.taken[h.lowercased()] == "honor" { return h }
            return reg.add("honor", h, [("level", levelOf(gaz.longestPlace(in: scalars(h), at: 0)?.divisions.first?.name)), ("type", h.hasSuffix("奖") ? "奖" : "称号")], provenance: [prov]) ? h : nil
        }

        /// The `event`, `speaker` or `stat` line of a candidate (its entities written first).
        func otherFact(_ c: Candidate, _ prov: String) -> String? {
            switch c.kind {
            case .event:
                guard let ev = c.event else { return nil }
                let host = ev.host.flatMap(department)
                let pl = ev.place.flatMap { gaz.lookup($0).first }.map { place($0) }
                // An event the graph has (the same press conference) is copied, not redefined.
                if let l = linker, let e = l.graph.entity(named: ev.name) { _ = copy(e); return nil }
                _ = reg.add("event", ev.name, [("date", ev.date), ("host", host), ("place", pl), ("type", ev.type), ("topic", ev.topic), ("series", ev.series)], provenance: [prov])
                return nil
            case .speaker:
                guard let sp = c.speaker else { return nil }
                var person = sp.person
                if let l = linker, let e = l.graph.entity(named: sp.person), l.graph.kindOf(e).name == "person" { person = copy(e) }
                else if reg.taken[sp.person.lowercased()] != "person" && !reg.add("person", sp.person, [("title", sp.title)], provenance: [prov]) { return nil }
                if linker?.graph.entity(named: sp.event) == nil && reg.taken[sp.event.lowercased()] != "event" { return nil }
                if let l = linker, let e = l.graph.entity(named: sp.event) { _ = copy(e) }
                return "speaker event=\(q(sp.event)) person=\(q(person)) role=\(q(sp.role)) \(prov)"
            case .stat:
                guard let st = c.stat else { return nil }
                var subject = st.subject
                if let l = linker, let e = l.graph.entity(named: st.subject) { subject = copy(e) }
                else if !st.subjectIsDocument, let dv = gaz.lookup(st.subject).first { subject = place(dv) }
                else if st.subjectIsDocument {
                    let pl = st.place.flatMap { gaz.lookup($0).first }.map { place($0) }
                    if !reg.add("policy", st.subject, [("place", pl)], provenance: [prov]) && reg.taken[st.subject.lowercased()] != "policy" { return nil }
                } else { return nil }
                var line = "stat subject=\(q(subject)) measure=\(q(st.measure))"
                if let h = st.honor, let hn = honorEntity(h, prov) { line += " honor=\(q(hn))" }
                line += " value=\(st.valueText) unit=\(q(st.unit))"
                if let x = st.qualifier { line += " qualifier=\(q(x))" }
                if let x = st.asOf { line += " as_of=\(x)" }
                if let x = st.period { line += " period=\(q(x))" }
                if let x = st.event, reg.taken[x.lowercased()] == "event" || linker?.graph.entity(named: x) != nil { line += " event=\(q(x))" }
                return line + " " + prov
            case .award:
                return nil
            }
        }

        for d in docs {
            let doc = d.document
            var cols: [(String, String?)] = [("date", doc.date), ("publisher", doc.issuer), ("file", doc.fileName)]
            if doc.date == nil { cols.removeFirst() }
            var aliases: [String] = []
            if let t = doc.title, !reg.has(t), linker?.graph.entity(named: t) == nil, t != doc.id { aliases.append(t) }
            // The source: always in a file that loads alone; in a delta only if the graph lacks it.
            if !(omitLinked && linker?.graph.entity(named: doc.id) != nil) { _ = reg.add("source", doc.id, aliases: aliases, cols) }
            for c in d.candidates where c.confidence >= minimumConfidence {
                let prov = "@\(doc.id):\(c.line)"
                if c.kind != .award {
                    if let line = otherFact(c, prov) { others.append(line) }
                    continue
                }
                // The honor.
                var issuer: String? = nil
                if let a = c.authority, a.hasSuffix("政府") || a.hasSuffix("协会") || a.hasSuffix("局") || a.hasSuffix("厅") || a.hasSuffix("部") {
                    if let l = linker, let e = l.graph.entity(named: a) { issuer = copy(e) } else {
                        var dcols: [(String, String?)] = []
                        if let pl = gaz.longestPlace(in: scalars(a), at: 0), pl.divisions.count == 1 { dcols.append(("place", place(pl.divisions[0]))) }
                        if reg.add("department", a, dcols) || reg.taken[a.lowercased()] == "department" { issuer = a }
                    }
                }
                if let l = linker, let e = l.graph.entity(named: c.honor) { copy(e) } else if !reg.has(c.honor) {
                    var hcols: [(String, String?)] = [("level", c.honorLevel ?? levelOf(c.honorPlace)), ("issuer", c.honorPlace != nil || c.honorLevel == "国家级" ? issuer : nil), ("type", c.honorType ?? "奖")]
                    if hcols[1].1 == nil { hcols.remove(at: 1) }
                    if let p = c.honorPlace, let dv = gaz.lookup(p).first { place(dv) }
                    _ = reg.add("honor", c.honor, hcols, provenance: [prov])
                }
                // The recipient.
                var recipient = c.recipient
                if let l = linker, let e = l.graph.entity(named: c.recipient) {
                    recipient = copy(e)
                } else {
                    switch c.recipientKind {
                    case .person:
                        var title = [c.employer, c.title].compactMap { $0 }.joined()
                        if title.isEmpty { title = "" }
                        if !reg.add("person", c.recipient, [("title", title.isEmpty ? nil : title)], provenance: [prov]) { recipient = c.recipient }
                    case .place:
                        if let dv = gaz.lookup(c.recipient).first { recipient = place(dv) }
                    default:
                        var city: String? = nil
                        if let p = c.place, let dv = gaz.lookup(p).first { city = place(dv) }
                        var al: [String] = []
                        if let w = c.writtenAs, w != c.recipient { al.append(w) }
                        _ = reg.add("enterprise", c.recipient, aliases: al, [("city", city)], provenance: [prov])
                    }
                }
                var note: [String] = []
                if let t = c.tier { note.append("等次：\(t)") }
                if let p = c.prize { note.append("奖金\(p)") }
                if let n = c.noticeNumber { note.append("文号\(n)") }
                if let y = c.yearText, c.edition != nil { note.append(y) }
                note.append("置信度\(c.confidence)")
                var line = "award recipient=\(q(recipient)) honor=\(q(c.honor))"
                if let e = c.edition { line += " edition=\(q(e))" }
                if let y = c.year { line += " year=\(y)" }
                if let b = c.batch { line += " batch=\(q(b))" }
                line += " note=\(q(note.joined(separator: "；"))) \(prov)"
                awards.append(line)
            }
        }
        var out = "# factsh ingest: candidate facts from \(docs.count) press release\(docs.count == 1 ? "" : "s"). Review before use (docs/INGEST.md).\n"
        if omitLinked, let g = linker?.graph {
            // A delta declares only the kinds the graph lacks: it extends that graph (the reader
            // refuses some identical redeclarations, e.g. of a kind that refers to itself).
            for line in kinds.split(separator: "\n") {
                let name = line.split(separator: " ")[1].split(separator: "/")[0]
                if g.kind(named: String(name)) == nil { out += line + "\n" }
            }
            out += "\n"
        } else {
            out += kinds + "\n\n"
        }
        for k in reg.order { for l in reg.lines[k] ?? [] { out += l + "\n" } }
        for (k, ls) in reg.lines where !reg.order.contains(k) { for l in ls { out += l + "\n" } }
        out += "\n"
        for a in awards { out += a + "\n" }
        for o in others { out += o + "\n" }
        return out
    }

    static func levelOf(_ place: String?) -> String? {
        guard let p = place, let d = Gazetteer.shared.lookup(p).first else { return nil }
        switch d.level { case .province: return "省级"; case .city: return "市级"; case .county: return "县级" }
    }
}
