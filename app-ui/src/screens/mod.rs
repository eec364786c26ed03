//! One module per screen.

pub mod db_error;
pub mod dossiers;
pub mod feedback;
pub mod home;
pub mod lazy;
pub mod login;
pub mod map;
pub mod my_data;
pub mod places;
pub mod settings;
pub mod voice;
pub mod wards;
