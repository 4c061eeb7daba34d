// `import TakeSenseKit` is enough to read an analysis (`TakeAnalysis`, `Verdict`: Director) and to swap a
// stage (`SceneAnalyzer` and the stage protocols: SceneAnalysis).
@_exported import Director
@_exported import SceneAnalysis
