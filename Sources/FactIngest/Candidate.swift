/// A statistic the text states (全市共有省长质量奖及提名奖14个): the built-in graph's `stat` kind.
public struct StatFact: Sendable, Equatable {
    /// The place (or entity) the number is about: 济宁市 for 全市 in a Jining release.
    public var subject: String
    public var measure: String
    public var value: Double
    /// The number as written (98.5, 100).
    public var valueText: String
    public var unit: String
    /// 累计, 共, 其中, 以上, 预计 …
    public var qualifier: String?
    /// The date it holds at: the release's date (截至目前, present tense), or a month (1-7月 → 2021-07).
    public var asOf: String?
    /// The period it counts (2024年, 2021年1-7月).
    public var period: String?
    /// The honor whose holders it counts (全国质量标杆 in 累计培育全国质量标杆企业3家).
    public var honor: String?
    /// The event it belongs to, when the sentence names one the release reports.
    public var event: String?
    /// The subject is a document the release names (《…实施意见》), not a place.
    public var subjectIsDocument = false
    /// The release's own place (where a document subject applies).
    public var place: String?
}

/// An event the release reports, such as the press conference it comes from: the `event` kind.
public struct EventFact: Sendable, Equatable {
    public var name: String
    public var date: String?
    public var host: String?
    public var place: String?
    public var type: String
    public var topic: String?
    public var series: String?
}

/// A person who spoke at an event (发布人, 主持人): the `speaker` kind, with the person's title.
public struct SpeakerFact: Sendable, Equatable {
    public var event: String
    public var person: String
    public var role: String
    /// Unit and title as the text gives them (市市场监管局党组书记、局长).
    public var title: String?
}

/// One candidate fact, with where it came from and why it was extracted. Most are award facts
/// (`kind == .award`, the fields below); events, speakers and statistics carry their own record
/// and use `recipient`/`honor` only for display in the review table.
public struct Candidate: Sendable, Equatable {
    public enum Kind: String, Sendable { case award, event, speaker, stat }
    public var kind: Kind = .award
    public var stat: StatFact? = nil
    public var event: EventFact? = nil
    public var speaker: SpeakerFact? = nil
    public enum RecipientKind: String, Sendable {
        case organisation, team, person, place, shortName = "short name", entity
    }
    /// The recipient's name: the full name (a short name resolved through the text or the
    /// graph), in simplified characters.
    public var recipient: String
    public var recipientKind: RecipientKind
    /// How the text wrote the recipient when that differs (a short name, traditional characters).
    public var writtenAs: String?
    /// The kind of the graph entity the recipient was linked to, if it was.
    public var linkedKind: String?
    public var honor: String
    public var honorLevel: String?
    public var honorType: String?
    /// The administrative division that gives the honor (德州市 for 德州市市长质量奖).
    public var honorPlace: String?
    public var honorLinked: Bool = false
    public var edition: String?
    public var year: Int?
    public var yearText: String?
    public var batch: String?
    public var tier: String?
    public var prize: String?
    public var authority: String?
    public var noticeNumber: String?
    /// For persons: the unit and title the text gives.
    public var employer: String?
    public var title: String?
    /// For organisations: the division their name starts with (德州恒晟… → 德州市).
    public var place: String?
    public var source: String
    /// The 1-based line (paragraph) of the source file.
    public var line: Int
    /// The text the fact was read from (simplified).
    public var span: String
    public var confidence: Double
    /// The rule that extracted it, and what raised or lowered the confidence.
    public var reasons: [String]
}

/// The outcome of ingesting one file.
public struct IngestedDocument: Sendable {
    public var document: SourceDocument
    public var candidates: [Candidate]
    /// Why the document as a whole gave no facts, if it did not (a 公示, a 管理办法 …).
    public var skippedBecause: String?
}

extension Candidate {
    /// "15 awards, 1 event, 6 speakers, 38 statistics": how many candidates of each kind.
    public static func counts(_ cs: some Sequence<Candidate>) -> String {
        var n: [Kind: Int] = [:]
        for c in cs { n[c.kind, default: 0] += 1 }
        let words: [(Kind, String, String)] = [(.award, "award", "awards"), (.event, "event", "events"),
                                               (.speaker, "speaker", "speakers"), (.stat, "statistic", "statistics")]
        let parts = words.compactMap { k, one, many in n[k].map { "\($0) \($0 == 1 ? one : many)" } }
        return parts.isEmpty ? "no candidates" : parts.joined(separator: ", ")
    }
}
