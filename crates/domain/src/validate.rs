//! Parsing of free input into checked values (parse, don't validate). Each function names the
//! field it checks so the edge can report `field`, `code` and a bilingual message.

use crate::error::FieldError;

/// Trims `value` and checks it is present and at most `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = clean(value);
    if v.is_empty() {
        return Err(FieldError::new(field, "required", "此项必填", "this field is required"));
    }
    too_long(field, &v, max)?;
    Ok(v)
}

/// Like [`required_text`] but an empty value becomes `None`.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    match value.map(clean) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => {
            too_long(field, &v, max)?;
            Ok(Some(v))
        }
    }
}

fn too_long(field: &str, v: &str, max: usize) -> Result<(), FieldError> {
    if v.chars().count() > max {
        return Err(FieldError::new(
            field,
            "too_long",
            &format!("长度不能超过 {max} 个字符"),
            &format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

/// Trims and drops control characters other than newlines and tabs.
fn clean(v: &str) -> String {
    v.trim().chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect()
}

/// A phone number: a mainland mobile (11 digits starting with 1), or a landline / international
/// number of 5–20 digits with optional `+`, `-`, spaces and parentheses. Stored as digits (and a
/// leading `+`) so lookups match however it was typed.
pub fn phone(field: &str, value: &str) -> Result<String, FieldError> {
    let v = value.trim();
    let bad = || FieldError::new(field, "invalid_phone", "电话号码格式不正确", "phone number is not valid");
    if !v.chars().all(|c| c.is_ascii_digit() || "+-() ".contains(c)) {
        return Err(bad());
    }
    let plus = v.starts_with('+');
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    if !(5..=20).contains(&digits.len()) {
        return Err(bad());
    }
    if !plus && digits.len() == 11 && digits.starts_with('1') && !digits[1..2].chars().all(|c| ('3'..='9').contains(&c))
    {
        return Err(bad());
    }
    Ok(if plus { format!("+{digits}") } else { digits })
}

/// An email address (a pragmatic check: one `@`, a dotted domain, no spaces), lower-cased.
pub fn email(field: &str, value: &str) -> Result<String, FieldError> {
    let v = value.trim().to_lowercase();
    let bad = || FieldError::new(field, "invalid_email", "邮箱格式不正确", "email address is not valid");
    if v.len() > 254 || v.contains(char::is_whitespace) {
        return Err(bad());
    }
    let (local, domain) = v.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return Err(bad());
    }
    Ok(v)
}

/// Masks a phone number for display: `138****1234`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 4 {
        return "*".repeat(chars.len());
    }
    let keep_head = if chars.len() >= 11 { 3 } else { 2 };
    let head: String = chars[..keep_head].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - keep_head - 4))
}

/// Masks an email for display: `z***@qq.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

/// Masks a name: keeps the first character (`张**`).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_normalised_to_digits() {
        assert_eq!(phone("p", "138-0013-8000").unwrap(), "13800138000");
        assert_eq!(phone("p", "+86 138 0013 8000").unwrap(), "+8613800138000");
        assert_eq!(phone("p", "(010) 6552 9988").unwrap(), "01065529988");
    }

    #[test]
    fn bad_phones_are_refused_with_the_field_named() {
        for bad in ["", "abc", "1234", "12012345678", "138001380001234567890", "13800138000x"] {
            let e = phone("customer.phone", bad).unwrap_err();
            assert_eq!((e.field.as_str(), e.code), ("customer.phone", "invalid_phone"), "{bad}");
        }
    }

    #[test]
    fn emails_are_checked_and_lower_cased() {
        assert_eq!(email("e", " Zhang.San@QQ.com ").unwrap(), "zhang.san@qq.com");
        for bad in ["a", "a@b", "@qq.com", "a@@qq.com", "a b@qq.com", "a@.com", "a@qq..com"] {
            assert!(email("e", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn personal_data_is_masked() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_email("zhangsan@qq.com"), "z***@qq.com");
        assert_eq!(mask_name("张三丰"), "张**");
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(required_text("t", "  你好 ", 10).unwrap(), "你好");
        assert_eq!(required_text("t", "   ", 10).unwrap_err().code, "required");
        assert_eq!(required_text("t", "一二三四五六", 5).unwrap_err().code, "too_long");
        assert_eq!(optional_text("t", Some(" "), 5).unwrap(), None);
    }
}
