//! Reading an uploaded CSV as a stream of records: UTF-8 (with or without BOM) or
//! Windows-1252, `;` or `,` as the separator, quoted fields as RFC 4180 has them.

use std::io::{self, Read};

/// The character encoding of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// What Excel and most Italian tax systems write ("ANSI").
    Windows1252,
}

/// UTF-8 when the whole file is valid UTF-8, else Windows-1252 (every byte is a character
/// there). Reads the file once, in chunks.
pub fn detect_encoding(mut r: impl Read) -> io::Result<Encoding> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        pending.extend_from_slice(&buf[..n]);
        match std::str::from_utf8(&pending) {
            Ok(_) => pending.clear(),
            // A sequence cut by the chunk boundary: keep its start for the next chunk.
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                pending.drain(..valid);
            }
            Err(_) => return Ok(Encoding::Windows1252),
        }
    }
    Ok(if pending.is_empty() {
        Encoding::Utf8
    } else {
        Encoding::Windows1252
    })
}

/// Windows-1252 bytes in, UTF-8 out.
struct Decode<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    output: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: Read> Read for Decode<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.output.len() {
            if self.done {
                return Ok(0);
            }
            let n = self.inner.read(&mut self.input)?;
            let last = n == 0;
            let cap = self.decoder.max_utf8_buffer_length(n).unwrap_or(3 * n + 16);
            self.output.resize(cap, 0);
            let (_, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.input[..n], &mut self.output, last);
            debug_assert_eq!(read, n);
            self.output.truncate(written);
            self.pos = 0;
            self.done = last;
        }
        let n = buf.len().min(self.output.len() - self.pos);
        buf[..n].copy_from_slice(&self.output[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// The file as UTF-8.
pub fn decoded(r: Box<dyn Read + Send>, encoding: Encoding) -> Box<dyn Read + Send> {
    match encoding {
        Encoding::Utf8 => r,
        Encoding::Windows1252 => Box::new(Decode {
            inner: r,
            decoder: encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling(),
            input: vec![0; 64 * 1024],
            output: Vec::new(),
            pos: 0,
            done: false,
        }),
    }
}

/// `;` or `,`: whichever the header line (outside quotes) has more of; `;` on a tie, as
/// Italian spreadsheets write.
pub fn detect_separator(mut r: impl Read) -> io::Result<u8> {
    let mut buf = [0u8; 8 * 1024];
    let (mut semicolons, mut commas, mut quoted) = (0usize, 0usize, false);
    let mut seen = 0usize;
    'read: loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            match b {
                b'"' => quoted = !quoted,
                b'\n' if !quoted => break 'read,
                b';' if !quoted => semicolons += 1,
                b',' if !quoted => commas += 1,
                _ => {}
            }
        }
        seen += n;
        if seen > 1024 * 1024 {
            break;
        }
    }
    Ok(if commas > semicolons { b',' } else { b';' })
}

/// A CSV reader over the decoded file.
pub fn csv_reader(r: Box<dyn Read + Send>, separator: u8) -> csv::Reader<Box<dyn Read + Send>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .buffer_capacity(256 * 1024)
        .from_reader(r)
}

/// Whether a record is only empty cells (a blank line at the end of a file).
pub fn is_blank(record: &csv::StringRecord) -> bool {
    record.iter().all(|c| c.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_and_separators() {
        assert_eq!(
            detect_encoding("città;però\n".as_bytes()).unwrap(),
            Encoding::Utf8
        );
        let cp1252 = b"citt\xe0;per\xf2 \x80\n";
        assert_eq!(detect_encoding(&cp1252[..]).unwrap(), Encoding::Windows1252);
        let mut s = String::new();
        decoded(Box::new(&cp1252[..]), Encoding::Windows1252)
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "città;però €\n");
        assert_eq!(detect_separator(&b"a;b;c\n1,5;2;3"[..]).unwrap(), b';');
        assert_eq!(detect_separator(&b"a,b,\"c;d\"\n"[..]).unwrap(), b',');
    }

    #[test]
    fn a_sequence_cut_at_a_chunk_boundary_is_still_utf8() {
        let mut text = "x".repeat(64 * 1024 - 1).into_bytes();
        text.extend_from_slice("è".as_bytes());
        assert_eq!(detect_encoding(&text[..]).unwrap(), Encoding::Utf8);
        text.push(0xC3);
        assert_eq!(detect_encoding(&text[..]).unwrap(), Encoding::Windows1252);
    }
}
