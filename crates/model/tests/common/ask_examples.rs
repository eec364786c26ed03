//! The question box's example questions, shared by the `ask_guide` test and the `ask_search`
//! benchmark: (question, the item that must come first).

pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "tôi muốn xin giấy phép xây dựng nhà",
        "cap-giay-phep-xay-dung-nha-o",
    ),
    ("xin phép xây nhà", "cap-giay-phep-xay-dung-nha-o"),
    (
        "nhà tôi ở quận 1 muốn xin giấy phép xây dựng thêm tầng",
        "cap-giay-phep-xay-dung-nha-o",
    ),
    ("làm sổ đỏ", "cap-gcn-lan-dau"),
    (
        "làm sổ đỏ lần đầu cho mảnh đất ông bà để lại",
        "cap-gcn-lan-dau",
    ),
    (
        "sang tên sổ đỏ khi mua nhà",
        "dang-ky-bien-dong-chuyen-nhuong",
    ),
    ("mất sổ đỏ thì làm sao", "cap-lai-gcn-bi-mat"),
    ("đăng ký khai sinh cho con", "dang-ky-khai-sinh"),
    ("làm giấy khai sinh cho bé mới sinh", "dang-ky-khai-sinh"),
    ("xin lý lịch tư pháp", "cap-phieu-ly-lich-tu-phap"),
    ("tôi sắp lấy vợ, đăng ký kết hôn ở đâu", "dang-ky-ket-hon"),
    ("bố tôi mất, làm giấy báo tử", "dang-ky-khai-tu"),
    ("nhập hộ khẩu cho con", "dang-ky-thuong-tru"),
    ("đăng ký tạm trú cho người thuê trọ", "dang-ky-tam-tru"),
    ("công chứng giấy tờ bằng cấp", "chung-thuc-ban-sao"),
    ("chứng thực chữ ký", "chung-thuc-chu-ky"),
    ("xin giấy xác nhận độc thân", "xac-nhan-tinh-trang-hon-nhan"),
    ("mở quán ăn đăng ký kinh doanh", "dang-ky-ho-kinh-doanh"),
    ("xin giấy xác nhận cư trú CT07", "xac-nhan-thong-tin-cu-tru"),
    // The feedback fields answer the same box.
    ("đường nhà tôi bị ngập", "thoat-nuoc"),
    ("ổ gà trên đường", "giao-thong"),
    ("karaoke ồn ào ban đêm", "tieng-on"),
    ("hàng xóm xây dựng không phép", "trat-tu-do-thi"),
];
