public enum FactShellPlaceholderForBuild {}
