// Segments paragraphs with OmegaT's own Segmenter (the code console-translate uses), in one JVM:
//   java -cp OmegaT.jar OmegaTSegment.java LANG [segmentation.conf] < paragraphs > segments
// Input: one paragraph a line. Output: one line a paragraph, its segments joined by U+0001.
// Without a segmentation.conf OmegaT's default rules apply.
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.omegat.core.segmentation.Rule;
import org.omegat.core.segmentation.SRX;
import org.omegat.core.segmentation.Segmenter;
import org.omegat.util.Language;

public class OmegaTSegment {
    public static void main(String[] args) throws Exception {
        Segmenter segmenter = new Segmenter();
        if (args.length > 1) {
            segmenter.setSRX(SRX.loadSRX(new File(args[1])));
        }
        Language lang = new Language(args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            List<StringBuilder> spaces = new ArrayList<>();
            List<Rule> rules = new ArrayList<>();
            List<String> segments = segmenter.segment(lang, line, spaces, rules);
            out.println(String.join("\u0001", segments));
        }
        out.flush();
    }
}
