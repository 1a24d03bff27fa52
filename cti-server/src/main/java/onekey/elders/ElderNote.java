package onekey.elders;

/** A note appended to an elder's record (issue 18): who wrote it, when (epoch ms), the text. */
public record ElderNote(long id, long elderId, long at, String by, String text) {}
