// Placeholder: the Stats module (issue 7) lands here.
public enum Stats {}
