/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LAN9118 driver, polled, and its lwIP netif (lan9118.h). Register names
 * and bits follow the LAN9118 datasheet; only what this driver uses is
 * defined. The QEMU model answers MAC and PHY accesses at once, a real chip
 * takes microseconds: every busy bit is polled with a bound.
 */
#include "lan9118.h"

#include <string.h>

#include "board.h"
#include "ferry/errors.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

/* ---- System control and status registers (offsets from the base) ---------- */
#define RX_DATA_FIFO     0x00u
#define TX_DATA_FIFO     0x20u
#define RX_STATUS_FIFO   0x40u
#define TX_STATUS_FIFO   0x48u
#define ID_REV           0x50u
#define IRQ_CFG          0x54u
#define INT_STS          0x58u
#define INT_EN           0x5Cu
#define BYTE_TEST        0x64u
#define RX_CFG           0x6Cu
#define TX_CFG           0x70u
#define HW_CFG           0x74u
#define RX_FIFO_INF      0x7Cu
#define TX_FIFO_INF      0x80u
#define PMT_CTRL         0x84u
#define MAC_CSR_CMD      0xA4u
#define MAC_CSR_DATA     0xA8u
#define E2P_CMD          0xB0u

#define BYTE_TEST_VALUE  0x87654321u
#define ID_CHIP(v)       ((v) >> 16)
#define HW_CFG_SRST      (1u << 0)
#define HW_CFG_TX_FIF_SZ(n) ((uint32_t)(n) << 16) /* KiB of TX FIFO, 2..14 */
#define HW_CFG_MBO       (1u << 20)               /* must be one */
#define PMT_CTRL_READY   (1u << 0)
#define E2P_CMD_BUSY     (1u << 31)
#define TX_CFG_TX_ON     (1u << 1)
#define TX_CFG_TXSAO     (1u << 2) /* TX status may overrun: statuses are not needed */
#define RX_FIFO_INF_RXSUSED(v) (((v) >> 16) & 0xFFu) /* RX statuses waiting */
#define TX_FIFO_INF_TXSUSED(v) (((v) >> 16) & 0xFFu)
#define TX_FIFO_INF_TDFREE(v)  ((v) & 0xFFFFu)       /* bytes free in the TX data FIFO */
#define RX_STS_LENGTH(v) (((v) >> 16) & 0x3FFFu)      /* frame length with its CRC */
#define RX_STS_ES        (1u << 15)                   /* error summary */
#define TX_STS_ES        (1u << 15)

/* TX command A and B */
#define TXA_FIRST_SEG    (1u << 13)
#define TXA_LAST_SEG     (1u << 12)
#define TXB_TAG(t)       ((uint32_t)(t) << 16)

/* ---- MAC registers, through MAC_CSR_CMD/DATA -------------------------------- */
#define MAC_CSR_BUSY     (1u << 31)
#define MAC_CSR_READ     (1u << 30)
#define MAC_CR           1u
#define MAC_ADDRH        2u
#define MAC_ADDRL        3u
#define MAC_MII_ACC      6u
#define MAC_MII_DATA     7u
#define MAC_CR_RXEN      (1u << 2)
#define MAC_CR_TXEN      (1u << 3)
#define MAC_CR_FDPX      (1u << 20) /* full duplex */
#define MII_BUSY         (1u << 0)
#define MII_WRITE        (1u << 1)
#define MII_ACC(phy, reg) (((uint32_t)(phy) << 11) | ((uint32_t)(reg) << 6))

/* ---- The internal PHY (address 1), IEEE 802.3 clause 22 registers ---------- */
#define PHY_ADDR         1u
#define PHY_BMCR         0u
#define PHY_BMSR         1u
#define BMCR_RESET       (1u << 15)
#define BMCR_ANENABLE    (1u << 12)
#define BMCR_ANRESTART   (1u << 9)
#define BMSR_LINK        (1u << 2)

/* Upper bound on busy-bit polls (each is a bus read; microseconds on a
   real chip, whose slowest wait, the reset, takes under 10 ms). */
#define SPIN_LIMIT       1000000u

static inline uint32_t rd(const struct lan9118 *dev, uint32_t off)
{
    return REG32(dev->base + off);
}

static inline void wr(const struct lan9118 *dev, uint32_t off, uint32_t v)
{
    REG32(dev->base + off) = v;
}

/* Waits until (reg & mask) == want; 0 or FERRY_E_TIMEOUT. */
static int spin(const struct lan9118 *dev, uint32_t off, uint32_t mask, uint32_t want)
{
    for (uint32_t i = 0; i < SPIN_LIMIT; i++)
        if ((rd(dev, off) & mask) == want)
            return FERRY_OK;
    return FERRY_E_TIMEOUT;
}

static int mac_read(const struct lan9118 *dev, uint32_t reg, uint32_t *v)
{
    if (spin(dev, MAC_CSR_CMD, MAC_CSR_BUSY, 0) != FERRY_OK)
        return FERRY_E_TIMEOUT;
    wr(dev, MAC_CSR_CMD, MAC_CSR_BUSY | MAC_CSR_READ | reg);
    if (spin(dev, MAC_CSR_CMD, MAC_CSR_BUSY, 0) != FERRY_OK)
        return FERRY_E_TIMEOUT;
    *v = rd(dev, MAC_CSR_DATA);
    return FERRY_OK;
}

static int mac_write(const struct lan9118 *dev, uint32_t reg, uint32_t v)
{
    if (spin(dev, MAC_CSR_CMD, MAC_CSR_BUSY, 0) != FERRY_OK)
        return FERRY_E_TIMEOUT;
    wr(dev, MAC_CSR_DATA, v);
    wr(dev, MAC_CSR_CMD, MAC_CSR_BUSY | reg);
    return spin(dev, MAC_CSR_CMD, MAC_CSR_BUSY, 0);
}

static int mii_wait(const struct lan9118 *dev)
{
    for (uint32_t i = 0; i < SPIN_LIMIT; i++) {
        uint32_t acc;
        if (mac_read(dev, MAC_MII_ACC, &acc) != FERRY_OK)
            return FERRY_E_TIMEOUT;
        if ((acc & MII_BUSY) == 0)
            return FERRY_OK;
    }
    return FERRY_E_TIMEOUT;
}

static int phy_read(const struct lan9118 *dev, uint32_t reg, uint32_t *v)
{
    int err = mii_wait(dev);
    if (err == FERRY_OK)
        err = mac_write(dev, MAC_MII_ACC, MII_ACC(PHY_ADDR, reg) | MII_BUSY);
    if (err == FERRY_OK)
        err = mii_wait(dev);
    if (err == FERRY_OK)
        err = mac_read(dev, MAC_MII_DATA, v);
    if (err == FERRY_OK)
        *v &= 0xFFFFu;
    return err;
}

static int phy_write(const struct lan9118 *dev, uint32_t reg, uint32_t v)
{
    int err = mii_wait(dev);
    if (err == FERRY_OK)
        err = mac_write(dev, MAC_MII_DATA, v & 0xFFFFu);
    if (err == FERRY_OK)
        err = mac_write(dev, MAC_MII_ACC, MII_ACC(PHY_ADDR, reg) | MII_WRITE | MII_BUSY);
    if (err == FERRY_OK)
        err = mii_wait(dev);
    return err;
}

int lan9118_init(struct lan9118 *dev, uintptr_t base)
{
    memset(dev, 0, sizeof *dev);
    dev->base = base;
    /* The byte order test reads correctly in any state, even before the
       chip is ready; a wrong value means wrong wiring or bus setup. */
    uint32_t chip = ID_CHIP(rd(dev, ID_REV));
    if (chip != 0x0118u && chip != 0x0117u && chip != 0x0116u && chip != 0x0115u)
        return FERRY_E_NOT_FOUND;
    if (rd(dev, BYTE_TEST) != BYTE_TEST_VALUE)
        return FERRY_E_IO;
    if (spin(dev, PMT_CTRL, PMT_CTRL_READY, PMT_CTRL_READY) != FERRY_OK)
        return FERRY_E_TIMEOUT;

    /* Soft reset: the FIFOs, the MAC and the PHY start over. The reset
       reloads the MAC address from the EEPROM if one holds it. */
    wr(dev, HW_CFG, HW_CFG_SRST);
    if (spin(dev, HW_CFG, HW_CFG_SRST, 0) != FERRY_OK ||
        spin(dev, PMT_CTRL, PMT_CTRL_READY, PMT_CTRL_READY) != FERRY_OK ||
        spin(dev, E2P_CMD, E2P_CMD_BUSY, 0) != FERRY_OK)
        return FERRY_E_TIMEOUT;
    wr(dev, HW_CFG, HW_CFG_TX_FIF_SZ(5) | HW_CFG_MBO); /* 5 KiB TX, the rest RX */

    /* Polled: every interrupt off and acknowledged, the IRQ pin disabled. */
    wr(dev, INT_EN, 0);
    wr(dev, INT_STS, 0xFFFFFFFFu);
    wr(dev, IRQ_CFG, 0);

    uint32_t lo, hi;
    if (mac_read(dev, MAC_ADDRL, &lo) != FERRY_OK || mac_read(dev, MAC_ADDRH, &hi) != FERRY_OK)
        return FERRY_E_TIMEOUT;
    for (int i = 0; i < 4; i++)
        dev->mac[i] = (uint8_t)(lo >> (8 * i));
    dev->mac[4] = (uint8_t)hi;
    dev->mac[5] = (uint8_t)(hi >> 8);
    static const uint8_t none[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, zero[6] = {0};
    if (memcmp(dev->mac, none, 6) == 0 || memcmp(dev->mac, zero, 6) == 0 || (dev->mac[0] & 1u)) {
        /* No EEPROM: a locally administered unicast address. A product
           gives each unit its own (from a unique ID, a provisioned value). */
        static const uint8_t fallback[6] = {0x02, 0x00, 0x00, 0x00, 0x91, 0x18};
        memcpy(dev->mac, fallback, 6);
        lo = (uint32_t)dev->mac[0] | (uint32_t)dev->mac[1] << 8 | (uint32_t)dev->mac[2] << 16 |
             (uint32_t)dev->mac[3] << 24;
        hi = (uint32_t)dev->mac[4] | (uint32_t)dev->mac[5] << 8;
        if (mac_write(dev, MAC_ADDRL, lo) != FERRY_OK || mac_write(dev, MAC_ADDRH, hi) != FERRY_OK)
            return FERRY_E_TIMEOUT;
    }

    /* PHY: reset, then auto-negotiate; the link comes up on its own. */
    uint32_t bmcr = BMCR_RESET;
    if (phy_write(dev, PHY_BMCR, BMCR_RESET) != FERRY_OK)
        return FERRY_E_TIMEOUT;
    for (uint32_t i = 0; i < SPIN_LIMIT && (bmcr & BMCR_RESET); i++)
        if (phy_read(dev, PHY_BMCR, &bmcr) != FERRY_OK)
            return FERRY_E_TIMEOUT;
    if (bmcr & BMCR_RESET)
        return FERRY_E_TIMEOUT;
    if (phy_write(dev, PHY_BMCR, BMCR_ANENABLE | BMCR_ANRESTART) != FERRY_OK)
        return FERRY_E_TIMEOUT;

    /* RX: no offset before the frame, 4-byte end alignment (RX_CFG 0).
       TX on; its statuses may overrun (they are drained, never needed). */
    wr(dev, RX_CFG, 0);
    wr(dev, TX_CFG, TX_CFG_TX_ON | TX_CFG_TXSAO);
    /* MAC: transmit, receive own address and broadcast, full duplex
       (promiscuous, multicast and hash filtering off). */
    if (mac_write(dev, MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN | MAC_CR_FDPX) != FERRY_OK)
        return FERRY_E_TIMEOUT;
    return FERRY_OK;
}

int lan9118_link_up(struct lan9118 *dev)
{
    uint32_t bmsr;
    /* The link bit latches low: the second read tells the current state. */
    if (phy_read(dev, PHY_BMSR, &bmsr) != FERRY_OK || phy_read(dev, PHY_BMSR, &bmsr) != FERRY_OK)
        return 0;
    return (bmsr & BMSR_LINK) != 0;
}

int lan9118_send(struct lan9118 *dev, const uint32_t *frame, size_t len)
{
    if (frame == NULL || len < 14 || len > LAN9118_FRAME_MAX)
        return FERRY_E_INVAL;
    size_t words = (len + 3) / 4;
    /* Room for the two command words and the data. */
    uint32_t i;
    for (i = 0; i < SPIN_LIMIT; i++)
        if (TX_FIFO_INF_TDFREE(rd(dev, TX_FIFO_INF)) >= words * 4 + 8)
            break;
    if (i == SPIN_LIMIT)
        return FERRY_E_TIMEOUT;
    /* One buffer, the whole frame: first and last segment, no offset, 4-byte
       end alignment; the chip adds the CRC and pads to 64 bytes. */
    wr(dev, TX_DATA_FIFO, TXA_FIRST_SEG | TXA_LAST_SEG | (uint32_t)len);
    wr(dev, TX_DATA_FIFO, TXB_TAG(dev->tx_frames & 0xFFFFu) | (uint32_t)len);
    for (size_t w = 0; w < words; w++)
        wr(dev, TX_DATA_FIFO, frame[w]);
    dev->tx_frames++;
    /* Drain the statuses of frames sent so far (errors are counted only:
       TCP resends what was lost). */
    while (TX_FIFO_INF_TXSUSED(rd(dev, TX_FIFO_INF)) != 0)
        if (rd(dev, TX_STATUS_FIFO) & TX_STS_ES)
            dev->tx_errors++;
    return FERRY_OK;
}

int lan9118_recv(struct lan9118 *dev, uint32_t *buf, size_t size)
{
    if (RX_FIFO_INF_RXSUSED(rd(dev, RX_FIFO_INF)) == 0)
        return 0;
    uint32_t status = rd(dev, RX_STATUS_FIFO);
    uint32_t len = RX_STS_LENGTH(status); /* with the 4-byte CRC */
    size_t words = (len + 3) / 4;
    int bad = (status & RX_STS_ES) || len < 14 + 4 || len > LAN9118_FRAME_MAX + 4 ||
              words * 4 > size;
    /* Every word of the frame is read out, also of a frame that is dropped,
       so the FIFO stays in step with its statuses. */
    for (size_t w = 0; w < words; w++) {
        uint32_t v = rd(dev, RX_DATA_FIFO);
        if (!bad)
            buf[w] = v;
    }
    if (bad) {
        dev->rx_errors++;
        return FERRY_E_CORRUPT;
    }
    dev->rx_frames++;
    return (int)(len - 4);
}

/* ---- lwIP glue --------------------------------------------------------------- */

/* The one bounce buffer for both directions: a received frame is copied on
   into a pbuf before netif->input runs, so an output that input triggers
   (an ACK, an ARP reply) finds it free. */
static uint32_t bounce[(LAN9118_FRAME_MAX + 4 + 3) / 4 + 1];

static err_t low_level_output(struct netif *netif, struct pbuf *p)
{
    struct lan9118 *dev = netif->state;
    if (p->tot_len > LAN9118_FRAME_MAX)
        return ERR_BUF;
    if (pbuf_copy_partial(p, bounce, p->tot_len, 0) != p->tot_len)
        return ERR_BUF;
    return lan9118_send(dev, bounce, p->tot_len) == FERRY_OK ? ERR_OK : ERR_IF;
}

err_t lan9118_netif_init(struct netif *netif)
{
    struct lan9118 *dev = netif->state;
    if (dev == NULL)
        return ERR_ARG;
    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->mtu = 1500;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(netif->hwaddr, dev->mac, ETH_HWADDR_LEN);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif->output = etharp_output;
    netif->linkoutput = low_level_output;
    return ERR_OK;
}

unsigned lan9118_netif_poll(struct netif *netif)
{
    struct lan9118 *dev = netif->state;
    unsigned frames = 0;

    if ((dev->polls++ & 63u) == 0) {
        int up = lan9118_link_up(dev);
        if (up && !netif_is_link_up(netif))
            netif_set_link_up(netif);
        else if (!up && netif_is_link_up(netif))
            netif_set_link_down(netif);
    }
    for (;;) {
        int len = lan9118_recv(dev, bounce, sizeof bounce);
        if (len == 0)
            break;
        if (len < 0)
            continue; /* dropped; the next one may be fine */
        frames++;
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
        if (p == NULL) {
            dev->rx_no_pbuf++;
            continue;
        }
        pbuf_take(p, bounce, (u16_t)len);
        if (netif->input(p, netif) != ERR_OK)
            pbuf_free(p);
    }
    return frames;
}
