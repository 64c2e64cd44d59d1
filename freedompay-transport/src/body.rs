//! The bytes of a request or response body, shared.

use core::any::Any;
use core::fmt;

use bytes::Bytes;

/// The bytes of a request or response body, shared: cloning a body (a retry hands out the same
/// request again) clones a pointer, not the bytes.
///
/// A `Vec<u8>` becomes a body without being copied, and so does the buffer of an HTTP stack
/// given to [`Body::from_owner`] (a transport hands the bytes it received to the SDK as they
/// are).
///
/// ```
/// use freedompay_transport::Body;
///
/// let body = Body::from(b"pg_merchant_id=1".to_vec());
/// let again = body.clone();
/// assert_eq!(again.as_bytes(), b"pg_merchant_id=1");
/// assert_eq!(body.len(), 16);
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Body(Bytes);

impl Body {
    /// A body of `'static` bytes: nothing is allocated or copied.
    ///
    /// ```
    /// use freedompay_transport::Body;
    ///
    /// assert_eq!(Body::from_static(b"<response/>").as_bytes(), b"<response/>");
    /// ```
    #[inline]
    pub const fn from_static(bytes: &'static [u8]) -> Self {
        Self(Bytes::from_static(bytes))
    }

    /// A body that keeps `owner` and reads its bytes through [`AsRef`]: the buffer an HTTP
    /// stack received the bytes in, taken as it is. A shared buffer of the `bytes` crate
    /// (which hyper and reqwest return) is kept as it is; a `Vec<u8>`, a `String` or a
    /// `Body` are taken without copying their bytes; any other owner is kept behind one
    /// allocation.
    ///
    /// ```
    /// use freedompay_transport::Body;
    ///
    /// let body = Body::from_owner(String::from("<response/>"));
    /// assert_eq!(body.as_bytes(), b"<response/>");
    /// ```
    pub fn from_owner<T: AsRef<[u8]> + Send + 'static>(owner: T) -> Self {
        let mut slot = Some(owner);
        let any: &mut dyn Any = &mut slot;
        if let Some(body) = any.downcast_mut::<Option<Bytes>>() {
            return Self(body.take().unwrap_or_default());
        }
        if let Some(body) = any.downcast_mut::<Option<Body>>() {
            return body.take().unwrap_or_default();
        }
        if let Some(vec) = any.downcast_mut::<Option<Vec<u8>>>() {
            return Self::from(vec.take().unwrap_or_default());
        }
        if let Some(text) = any.downcast_mut::<Option<String>>() {
            return Self::from(text.take().unwrap_or_default().into_bytes());
        }
        match slot {
            Some(owner) => Self(Bytes::from_owner(owner)),
            None => Self::default(),
        }
    }

    /// The bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the body is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A copy of the bytes, for a stack that needs an owned buffer.
    #[inline]
    pub fn to_vec(&self) -> Vec<u8> {
        self.0.to_vec()
    }

    /// The bytes as a `Vec<u8>`: the buffer itself when this body is its only owner and it
    /// was one (a body made of a `Vec<u8>`), a copy otherwise.
    #[inline]
    pub fn into_vec(self) -> Vec<u8> {
        Vec::from(self.0)
    }
}

impl From<Vec<u8>> for Body {
    /// Takes the vector as it is: its bytes are not copied.
    #[inline]
    fn from(bytes: Vec<u8>) -> Self {
        Self(Bytes::from(bytes))
    }
}

impl From<&'static [u8]> for Body {
    fn from(bytes: &'static [u8]) -> Self {
        Self::from_static(bytes)
    }
}

impl AsRef<[u8]> for Body {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Card numbers and personal data: the length only.
        write!(f, "Body({} bytes)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_taken_as_they_are() {
        let bytes = Bytes::from_static(b"abc");
        let body = Body::from_owner(bytes.clone());
        assert_eq!(body.as_bytes().as_ptr(), bytes.as_ptr());
        let vec = b"defg".to_vec();
        let at = vec.as_ptr();
        let body = Body::from_owner(vec);
        assert_eq!(body.as_bytes().as_ptr(), at);
        assert_eq!(body.clone().into_vec(), b"defg");
        assert_eq!(Body::from_owner(body.clone()), body);
        assert_eq!(Body::from_owner(String::from("hi")).as_bytes(), b"hi");
        assert_eq!(Body::from_owner([1u8, 2]).as_bytes(), [1, 2]);
        let single = Body::from(b"xyz".to_vec());
        let at = single.as_bytes().as_ptr();
        let vec = single.into_vec();
        assert_eq!(vec.as_ptr(), at);
        assert_eq!(format!("{:?}", Body::from_static(b"4111")), "Body(4 bytes)");
    }
}
