//! `multipart/form-data` bodies: each part's `name` and text, in order. File parts (with a
//! `filename`) are left out, as PHP puts them in `$_FILES`, not among the signed fields.

/// Why a multipart body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MultipartError {
    /// The body does not follow the multipart syntax.
    Malformed,
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        (!value.is_empty() && value.len() <= 200).then(|| value.to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The `(name, value)` pairs of the body's form fields.
pub(crate) fn parse_multipart(
    body: &[u8],
    boundary: &str,
) -> Result<Vec<(String, String)>, MultipartError> {
    let delimiter = format!("--{boundary}");
    let next_delimiter = format!("\r\n--{boundary}");
    let start = find(body, delimiter.as_bytes()).ok_or(MultipartError::Malformed)?;
    let mut rest = &body[start + delimiter.len()..];
    let mut pairs = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(pairs);
        }
        // Transport padding, then the line end after the delimiter.
        let line_end = find(rest, b"\r\n").ok_or(MultipartError::Malformed)?;
        if !rest[..line_end].iter().all(|&b| b == b' ' || b == b'\t') {
            return Err(MultipartError::Malformed);
        }
        rest = &rest[line_end + 2..];
        let headers_end = find(rest, b"\r\n\r\n")
            .map(|i| (i, 4))
            .or_else(|| rest.starts_with(b"\r\n").then_some((0, 2)))
            .ok_or(MultipartError::Malformed)?;
        let headers = String::from_utf8_lossy(&rest[..headers_end.0]).into_owned();
        rest = &rest[headers_end.0 + headers_end.1..];
        let end = find(rest, next_delimiter.as_bytes()).ok_or(MultipartError::Malformed)?;
        let content = &rest[..end];
        rest = &rest[end + next_delimiter.len()..];
        if let Some((name, is_file)) = disposition(&headers)
            && !is_file
        {
            pairs.push((name, String::from_utf8_lossy(content).into_owned()));
        }
    }
}

/// The `name` of a part's `Content-Disposition: form-data` header, and whether it is a file.
fn disposition(headers: &str) -> Option<(String, bool)> {
    let line = headers.split("\r\n").find(|line| {
        line.split_once(':')
            .is_some_and(|(h, _)| h.trim().eq_ignore_ascii_case("content-disposition"))
    })?;
    let (_, value) = line.split_once(':')?;
    let mut name = None;
    let mut is_file = false;
    for param in params(value) {
        match param {
            (key, Some(v)) if key.eq_ignore_ascii_case("name") => name = Some(v),
            (key, _)
                if key.eq_ignore_ascii_case("filename")
                    || key.eq_ignore_ascii_case("filename*") =>
            {
                is_file = true;
            }
            _ => {}
        }
    }
    name.map(|n| (n, is_file))
}

/// `form-data; name="a;b"; filename=x`: parameters, quoted strings honoured.
fn params(value: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    loop {
        // Key up to `=` or `;`.
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ';' {
                break;
            }
            key.push(c);
            chars.next();
        }
        let key = key.trim().to_owned();
        let mut val = None;
        if chars.peek() == Some(&'=') {
            chars.next();
            while chars.peek() == Some(&' ') {
                chars.next();
            }
            let mut v = String::new();
            if chars.peek() == Some(&'"') {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                v.push(n);
                            }
                        }
                        '"' => break,
                        c => v.push(c),
                    }
                }
                // Skip to the next `;`.
                while let Some(&c) = chars.peek() {
                    if c == ';' {
                        break;
                    }
                    chars.next();
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ';' {
                        break;
                    }
                    v.push(c);
                    chars.next();
                }
                v = v.trim().to_owned();
            }
            val = Some(v);
        }
        if !key.is_empty() {
            out.push((key, val));
        }
        if chars.next().is_none() {
            return out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_skips_files() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"pg_amount\"\r\n\r\n10\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"a[0][b]\"\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n\r\nfile\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--XyZ--\r\n";
        let pairs = parse_multipart(body, "XyZ").unwrap();
        assert_eq!(
            pairs,
            [
                ("pg_amount".into(), "10".into()),
                ("a[0][b]".into(), "line1\r\nline2".into()),
                ("empty".into(), String::new()),
            ]
        );
        assert_eq!(
            boundary("multipart/form-data; boundary=\"XyZ\""),
            Some("XyZ".into())
        );
        assert_eq!(
            parse_multipart(b"--XyZ\r\nno end", "XyZ"),
            Err(MultipartError::Malformed)
        );
    }
}
