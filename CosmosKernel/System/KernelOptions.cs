namespace Cosmos.System
{
    // Options from the kernel command line (GRUB menu entry) plus, under QEMU, the
    // fw_cfg file "opt/cosmos/cmdline" that the tests use. Space-separated words,
    // each `name` or `name=value`; unknown words are reported, not fatal.
    public sealed class KernelOptions
    {
        public readonly string Text;
        private readonly string[] _words;

        public KernelOptions(string text)
        {
            Text = text ?? "";
            _words = Split(Text);
        }

        public bool Has(string name) => Get(name) != null;

        // The value of name=value, "" for a bare name, null when absent.
        public string Get(string name)
        {
            for (int i = 0; i < _words.Length; i++)
            {
                string word = _words[i];
                if (word == name)
                    return "";
                if (word.Length > name.Length && word[name.Length] == '=' && word.StartsWith(name))
                    return word.Substring(name.Length + 1);
            }
            return null;
        }

        private static string[] Split(string text)
        {
            int count = 0;
            for (int i = 0; i < text.Length; i++)
                if (text[i] != ' ' && (i == 0 || text[i - 1] == ' '))
                    count++;
            var words = new string[count];
            int index = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == ' ' || (i > 0 && text[i - 1] != ' '))
                    continue;
                int end = i;
                while (end < text.Length && text[end] != ' ')
                    end++;
                words[index++] = text.Substring(i, end - i);
            }
            return words;
        }
    }
}
