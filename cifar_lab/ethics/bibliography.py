"""The works the model card cites, keyed as the card cites them (`[Carlini2019]`).

It holds the essay's references from the original assignment (Carlini et al. 2019; Hill 2020; Wilson,
Hoffman & Morgenstern 2019; Buolamwini & Gebru 2018), the papers behind the measurements and the card
(Mitchell et al. 2019; Shokri et al. 2017; Carlini et al. 2022; Yeom et al. 2018; Hardt et al. 2016), the
sources of the intervals (Wilson 1927; Newcombe 1998; Efron & Tibshirani 1993), of DP-SGD (Abadi et al.
2016), of the datasheet (Gebru et al. 2021; Northcutt, Jiang & Chuang 2021) and of CIFAR-10's provenance
(Krizhevsky 2009; Torralba, Fergus & Freeman 2008; Birhane & Prabhu 2021).

Example:

    >>> BIBLIOGRAPHY["Carlini2019"].split(".")[0]
    'Carlini, N'
"""

from __future__ import annotations

BIBLIOGRAPHY: dict[str, str] = {
    "Abadi2016": "Abadi, M., Chu, A., Goodfellow, I., McMahan, H. B., Mironov, I., Talwar, K., & Zhang, L. (2016). "
    "Deep learning with differential privacy. In *Proceedings of the 2016 ACM SIGSAC Conference on Computer and "
    "Communications Security (CCS)*, pp. 308-318.",
    "Gebru2021": "Gebru, T., Morgenstern, J., Vecchione, B., Vaughan, J. W., Wallach, H., Daume III, H., & "
    "Crawford, K. (2021). Datasheets for datasets. *Communications of the ACM*, 64(12), pp. 86-92.",
    "Northcutt2021": "Northcutt, C. G., Jiang, L., & Chuang, I. L. (2021). Confident learning: Estimating "
    "uncertainty in dataset labels. *Journal of Artificial Intelligence Research*, 70, pp. 1373-1411.",
    "Birhane2021": "Birhane, A., & Prabhu, V. U. (2021). Large image datasets: A pyrrhic win for computer vision? "
    "In *Proceedings of the IEEE/CVF Winter Conference on Applications of Computer Vision (WACV)*, "
    "pp. 1537-1547.",
    "Buolamwini2018": "Buolamwini, J., & Gebru, T. (2018). Gender Shades: Intersectional accuracy disparities in "
    "commercial gender classification. In *Proceedings of the 1st Conference on Fairness, "
    "Accountability and Transparency*, PMLR 81, pp. 77-91.",
    "Efron1993": "Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall/CRC, "
    "Monographs on Statistics and Applied Probability 57.",
    "Carlini2019": "Carlini, N., Liu, C., Erlingsson, U., Kos, J., & Song, D. (2019). The Secret Sharer: Evaluating "
    "and testing unintended memorization in neural networks. In *28th USENIX Security Symposium*, "
    "pp. 267-284.",
    "Carlini2022": "Carlini, N., Chien, S., Nasr, M., Song, S., Terzis, A., & Tramer, F. (2022). Membership "
    "inference attacks from first principles. In *2022 IEEE Symposium on Security and Privacy (SP)*, "
    "pp. 1897-1914. doi:10.1109/SP46214.2022.9833649",
    "Guo2017": "Guo, C., Pleiss, G., Sun, Y., & Weinberger, K. Q. (2017). On calibration of modern neural "
    "networks. In *Proceedings of the 34th International Conference on Machine Learning*, PMLR 70, pp. 1321-1330.",
    "Hardt2016": "Hardt, M., Price, E., & Srebro, N. (2016). Equality of opportunity in supervised learning. In "
    "*Advances in Neural Information Processing Systems 29 (NeurIPS 2016)*.",
    "Hill2020": "Hill, K. (2020, January 18). The secretive company that might end privacy as we know it. "
    "*The New York Times*.",
    "Krizhevsky2009": "Krizhevsky, A. (2009). *Learning multiple layers of features from tiny images*. Technical "
    "report, University of Toronto.",
    "Mitchell2019": "Mitchell, M., Wu, S., Zaldivar, A., Barnes, P., Vasserman, L., Hutchinson, B., Spitzer, E., "
    "Raji, I. D., & Gebru, T. (2019). Model cards for model reporting. In *Proceedings of the "
    "Conference on Fairness, Accountability, and Transparency (FAT\\* '19)*, pp. 220-229. "
    "doi:10.1145/3287560.3287596",
    "Newcombe1998": "Newcombe, R. G. (1998). Interval estimation for the difference between independent "
    "proportions: comparison of eleven methods. *Statistics in Medicine*, 17(8), 873-890.",
    "Shokri2017": "Shokri, R., Stronati, M., Song, C., & Shmatikov, V. (2017). Membership inference attacks "
    "against machine learning models. In *2017 IEEE Symposium on Security and Privacy (SP)*, "
    "pp. 3-18. doi:10.1109/SP.2017.41",
    "Torralba2008": "Torralba, A., Fergus, R., & Freeman, W. T. (2008). 80 million tiny images: A large data set for "
    "nonparametric object and scene recognition. *IEEE Transactions on Pattern Analysis and "
    "Machine Intelligence*, 30(11), 1958-1970. doi:10.1109/TPAMI.2008.128",
    "Wilson1927": "Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference. "
    "*Journal of the American Statistical Association*, 22(158), 209-212.",
    "Wilson2019": "Wilson, B., Hoffman, J., & Morgenstern, J. (2019). Predictive inequity in object detection. "
    "arXiv:1902.11097.",
    "Yeom2018": "Yeom, S., Giacomelli, I., Fredrikson, M., & Jha, S. (2018). Privacy risk in machine learning: "
    "Analyzing the connection to overfitting. In *2018 IEEE 31st Computer Security Foundations "
    "Symposium (CSF)*, pp. 268-282.",
}
