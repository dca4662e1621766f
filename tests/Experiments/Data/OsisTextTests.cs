using NativeDsp.Experiments.Data.Mt;
using NativeDsp.Experiments.Data.Sword;

namespace NativeDsp.Tests.Experiments.Data;

public class OsisTextTests
{
    static string Plain(string osis) => new TextNormalizer(false).Normalize(OsisText.ToPlainText(osis));

    [Fact]
    public void KeepsWordsOfInlineTagsAndDropsNotes()
    {
        string osis = "And <w lemma=\"strong:H0430\">God</w> <w lemma=\"strong:H7200\">saw</w> the light, <transChange type=\"added\">it was</transChange> good.<note placement=\"foot\"><reference type=\"annotateRef\">1.4 </reference>the light from…: Heb. between</note> <div eID=\"gen4\" type=\"x-p\"/>";
        Assert.Equal("And God saw the light, it was good.", Plain(osis));
    }

    [Fact]
    public void KeepsCanonicalTitlesAndDropsHeadings()
    {
        string psalm = "<div type=\"x-milestone\" subType=\"x-preverse\" sID=\"pv1\"/><title canonical=\"true\" type=\"psalm\">A Psalm of <w lemma=\"strong:H1732\">David</w>.</title> <lg sID=\"g1\"/> <l level=\"1\" sID=\"g2\"/><divineName><w>LORD</w></divineName>, how are they increased";
        Assert.Equal("A Psalm of David. LORD, how are they increased", Plain(psalm));
        Assert.Equal("Wherewithal shall a young man", Plain("<title><foreign>ב BETH.</foreign></title> <l level=\"1\"/>Wherewithal shall a young <w>man</w>"));
    }

    [Fact]
    public void RemovesStrayUsfmMarkersAndDecodesEntities()
    {
        Assert.Equal("And the LORD repented & \"so\"", Plain("And the \\nd <w lemma=\"strong:H3068\">LORD</w></divineName> repented &amp; &quot;so&quot;"));
    }

    [Fact]
    public void BlockTagsSeparateWords()
    {
        Assert.Equal("end start", Plain("end<lb type=\"x-p\"/>start"));
        Assert.Equal("together", Plain("to<w>gether</w>"));
    }

    [Fact]
    public void NormalizerFixesPunctuationSpacingQuotesAndShoutedSpanish()
    {
        var es = new TextNormalizer(titleCaseShoutedWords: true);
        Assert.Equal("En el principio crió Dios: ¿Quién es? ¡Oh Jehová!", es.Normalize("EN  el principio crió Dios : ¿ Quién es ? ¡ Oh JEHOVÁ !"));
        var en = new TextNormalizer(titleCaseShoutedWords: false);
        Assert.Equal("the LORD's house, \"he said\" and", en.Normalize("\u00B6 the LORD\u2019s house , \u201Che said\u201D [and]"));
    }
}
