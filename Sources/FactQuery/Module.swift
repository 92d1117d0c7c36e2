public enum FactQueryPlaceholderForBuild {}
