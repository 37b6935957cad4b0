using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Nightshift.Core.Tasks;

/// <summary>
/// Task ids: 26 lowercase Crockford base32 characters, time first so they sort by creation,
/// then 80 random bits. The short form is the last eight (random) characters.
/// </summary>
public static class TaskId
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static string New(TimeProvider time)
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(ms & 0xff);
            ms >>= 8;
        }
        RandomNumberGenerator.Fill(bytes[6..]);
        return Encode(bytes);
    }

    public static string Short(string id) => id.Length <= 8 ? id : id[^8..];

    /// <summary>True for strings that could be an id; used to reject junk before it reaches a query.</summary>
    public static bool LooksValid(string? id) =>
        id is { Length: 26 } && id.All(c => Alphabet.Contains(c, StringComparison.Ordinal));

    private static string Encode(ReadOnlySpan<byte> bytes)
    {
        // 128 bits → 26 base32 digits, most significant first (the top 2 bits of the first digit are zero).
        Span<char> chars = stackalloc char[26];
        var value = new UInt128(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
        for (var i = 25; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
        return new string(chars);
    }
}
