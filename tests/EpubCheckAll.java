/**
 * epubcheck over many EPUBs in one JVM (run by tests/epubcheck.py with Java's source launcher).
 * The arguments are pairs: an EPUB, then the JSON report to write for it.
 */
public class EpubCheckAll {
    public static void main(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            try {
                new com.adobe.epubcheck.tool.EpubChecker().run(new String[] {args[i], "--json", args[i + 1], "--quiet"});
            } catch (RuntimeException e) {
                e.printStackTrace(); // this EPUB gets no report (its test says so); check the others
            }
        }
    }
}
