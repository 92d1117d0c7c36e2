import FactGraph
import BuiltinGraph
do {
    let g = try BuiltinGraph.load()
    print(g.entityCount)
} catch { print(error) }
