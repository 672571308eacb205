using System.Text;

namespace CosmosKernel.Launcher;

// QemuRunner.StripTerminalEscapes for a stream: the serial console arrives in chunks,
// and an escape sequence GRUB draws its menu with may be cut between two of them. What
// could still be the start of a sequence is held back until the next chunk decides it.
public sealed class TerminalEscapeFilter
{
    private const char Escape = '\u001b';
    private string _pending = "";

    // The printable text of `chunk` (and of what was held back before it).
    public string Feed(string chunk)
    {
        string text = _pending + chunk;
        _pending = "";
        var output = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] != Escape)
            {
                output.Append(text[i++]);
                continue;
            }
            int end = SequenceEnd(text, i);
            if (end < 0)
            {
                _pending = text.Substring(i); // cut off: wait for the rest
                break;
            }
            if (end == i + 2 && text[i + 1] == 'c')
                output.Append('\n'); // a terminal reset starts a new line (StripTerminalEscapes)
            else if (end == i + 1)
                output.Append(Escape); // not a sequence we strip: keep the byte
            i = end;
        }
        return output.ToString();
    }

    // One past the sequence starting at `start` (an ESC); start + 1 when it is no
    // sequence StripTerminalEscapes removes; -1 when the text ends before that is known.
    private static int SequenceEnd(string text, int start)
    {
        if (start + 1 >= text.Length)
            return -1;
        if (text[start + 1] == 'c')
            return start + 2;
        if (text[start + 1] != '[')
            return start + 1;
        for (int i = start + 2; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsAsciiDigit(c) || c == ';' || c == '?')
                continue;
            return char.IsAsciiLetter(c) ? i + 1 : start + 1;
        }
        return -1;
    }
}
