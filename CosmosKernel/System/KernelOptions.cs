namespace Cosmos.System
{
    // Options from the kernel command line (GRUB menu entry) plus, under QEMU, the
    // fw_cfg file "opt/cosmos/cmdline" that the tests use. Space-separated words,
    // each `name` or `name=value`; unknown words are reported (Unknown), not fatal.
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

        // The value of name=value, "" for a bare name, null when absent. Quotes around
        // a value are the shell's or GRUB's habit, not part of it: run="hello" is hello.
        public string Get(string name)
        {
            for (int i = 0; i < _words.Length; i++)
            {
                string word = _words[i];
                if (word == name)
                    return "";
                if (word.Length > name.Length && word[name.Length] == '=' && word.StartsWith(name))
                    return Unquote(word.Substring(name.Length + 1));
            }
            return null;
        }

        // The words whose name (before any '=') is not in `known`, to be reported: an
        // option the kernel does not know does nothing, and the user should know that.
        public string[] Unknown(string[] known)
        {
            int count = 0;
            var unknown = new string[_words.Length];
            for (int i = 0; i < _words.Length; i++)
            {
                string word = _words[i];
                int equals = word.IndexOf('=');
                string name = equals < 0 ? word : word.Substring(0, equals);
                bool found = false;
                for (int k = 0; k < known.Length && !found; k++)
                    found = known[k] == name;
                if (!found)
                    unknown[count++] = word;
            }
            var result = new string[count];
            for (int i = 0; i < count; i++)
                result[i] = unknown[i];
            return result;
        }

        private static string Unquote(string value)
        {
            bool quoted = value.Length >= 2 && ((value[0] == '"' && value[value.Length - 1] == '"') || (value[0] == '\'' && value[value.Length - 1] == '\''));
            return quoted ? value.Substring(1, value.Length - 2) : value;
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
